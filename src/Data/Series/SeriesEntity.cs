namespace QuantScope.Data.Series;

/// <summary>
/// One row of <c>series</c>: names a metric series of a run once, so each point row carries only a small integer
/// (<see cref="Id"/>) instead of the run's GUID text, the metric and the role. Created on first write by
/// <see cref="MetricSeriesWriter"/>; deleted with its run, and its points with it.
/// </summary>
public sealed class SeriesEntity
{
    /// <summary>Integer key (the SQLite rowid) that <c>layer_points</c> and <c>scalar_points</c> refer to.</summary>
    public long Id { get; set; }

    public Guid RunId { get; set; }

    /// <summary><see cref="SeriesKinds.Scalar"/> (points in <c>scalar_points</c>) or <see cref="SeriesKinds.Layer"/> (<c>layer_points</c>).</summary>
    public string Kind { get; set; } = "";

    public string Metric { get; set; } = "";

    /// <summary>The tensor role of a per-layer series; empty for a scalar series.</summary>
    public string Role { get; set; } = "";
}
