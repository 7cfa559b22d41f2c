namespace QuantScope.Engine.Quantization;

/// <summary>
/// One column of the per-layer stats (<see cref="LayerStatsLayout"/>): the catalog metric it holds and how the host
/// finishes it from one role's raw device row (<see cref="RawStatsLayout"/>). Each stats group declares its own
/// (<see cref="LayerStatsGroup.Stats"/>: <see cref="RoleQuantizer.Group"/>, <see cref="QuantErrorStats.Group"/>, ...); NaN = not measured.
/// </summary>
/// <param name="Metric">The <see cref="Telemetry.MetricCatalog"/> name.</param>
/// <param name="Finish">Host: the value from the role's raw row, in float64 (cast to float32 once).</param>
internal sealed record LayerStat(string Metric, LayerStatFormula Finish);
