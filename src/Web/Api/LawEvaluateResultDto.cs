namespace QuantScope.Web.Api;

/// <summary>Answer of <c>POST /api/laws/{name}/evaluate</c>.</summary>
/// <param name="Law">The law's name.</param>
/// <param name="Delta">Predicted loss gap to the full-precision twin, nats/token.</param>
public sealed record LawEvaluateResultDto(string Law, double Delta);
