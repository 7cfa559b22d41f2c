using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;

namespace QuantScope.Web.Sweeps;

/// <summary>A law fitted to a sweep, or why it could not be.</summary>
/// <param name="Fit">The fit, as <c>POST /api/laws/{name}/fit</c> answers; null on errors.</param>
/// <param name="Runs">The runs fitted, in the order of the fit's residuals.</param>
/// <param name="Errors">Why there is no fit (too few completed runs, a missing field), each naming the run.</param>
public sealed record SweepFitResult(LawFitResultDto? Fit, IReadOnlyList<Guid> Runs, IReadOnlyList<ConfigError> Errors);
