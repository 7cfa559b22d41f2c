namespace QuantScope.Engine.Telemetry;

/// <summary>
/// How a downsampled heatmap combines the steps of one bucket: it keeps the worst value, so that a one-step spike
/// still shows.
/// </summary>
public enum BucketAggregation
{
    /// <summary>The largest value (the worst where lower is better).</summary>
    Max,

    /// <summary>The smallest value (the worst where higher is better, as SQNR).</summary>
    Min,
}
