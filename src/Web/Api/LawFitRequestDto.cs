namespace QuantScope.Web.Api;

/// <summary>Body of <c>POST /api/laws/{name}/fit</c>.</summary>
/// <param name="Points">The observations; at least one more than the law's four constants.</param>
public sealed record LawFitRequestDto(LawPointDto[]? Points);
