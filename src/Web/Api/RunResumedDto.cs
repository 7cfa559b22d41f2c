namespace QuantScope.Web.Api;

/// <summary>Answer to <c>POST /api/runs/{id}/resume</c>: the run continues after <paramref name="ResumedFromStep"/> main steps.</summary>
public sealed record RunResumedDto(Guid Id, int ResumedFromStep);
