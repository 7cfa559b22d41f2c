"""The benchmark's arithmetic and its verdicts against issue 19's targets (the benchmark itself is not a test)."""

from quantscope import bench


def test_verdict_targetsOfIssue19():
    assert bench.verdict("cpu", "every step", 1.25) == " (target <= 1.25: met)"
    assert bench.verdict("cpu", "every step", 1.251) == " (target <= 1.25: NOT met)"
    assert bench.verdict("cpu", "every 10 steps", 1.05) == " (target <= 1.05: met)"
    assert bench.verdict("cuda", "every step", 1.2) == " (target <= 1.10: NOT met)"
    assert bench.verdict("cuda", "every 10 steps", 1.2) == ""  # no target set


def test_windowRatio_medianOfWindowSums():
    plain = [1.0] * 30
    watched = [2.0] + [1.0] * 9 + [1.5] * 10 + [1.0] * 10  # window sums 11, 15, 10 over 10
    assert bench.window_ratio(watched, plain) == 1.1
