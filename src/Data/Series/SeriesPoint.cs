namespace QuantScope.Data.Series;

/// <summary>One point of one series (a scalar metric, or one layer of a per-layer metric).</summary>
public sealed record SeriesPoint(int Step, float Value);
