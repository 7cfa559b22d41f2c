namespace QuantScope.Web.Api;

/// <summary>Answer to <c>POST /api/runs</c>.</summary>
public sealed record RunCreatedDto(Guid Id);
