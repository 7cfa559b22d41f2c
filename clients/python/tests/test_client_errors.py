"""What a refused request puts into QuantScopeError: short, and never the access token."""
from quantscope.client import MAX_ERROR_DETAIL, error_detail


def test_error_detail_masks_the_token_wherever_it_appears():
    body = '{"title":"x","detail":"Authorization: Bearer s3cret-token","cookie":"qs=s3cret-token"}'
    detail = error_detail(body, "s3cret-token")
    assert "s3cret-token" not in detail
    assert detail.count("***") == 2


def test_error_detail_cuts_long_answers_and_says_how_much():
    detail = error_detail("x" * (MAX_ERROR_DETAIL + 250))
    assert detail == "x" * MAX_ERROR_DETAIL + "... (250 more characters)"


def test_error_detail_short_answer_without_token_unchanged():
    assert error_detail('{"title":"Run not found."}', None) == '{"title":"Run not found."}'
