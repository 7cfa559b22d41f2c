namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>Which chart shows a finding's evidence: a metric, its tensor role (empty for scalars) and optionally one layer.</summary>
/// <param name="Metric">Metric name (<see cref="Telemetry.MetricCatalog"/>).</param>
/// <param name="Role">Tensor role, or <c>""</c> for a scalar series.</param>
/// <param name="Layer">Full module name of the layer to open, or null for the heatmap / scalar chart.</param>
public sealed record ChartHint(string Metric, string Role, string? Layer);
