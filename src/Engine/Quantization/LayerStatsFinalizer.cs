using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Host side of the per-layer statistics: turns one layer's raw counts and sums (<see cref="RawStatsLayout"/>, as the
/// device wrote them) into the metrics of <see cref="LayerStatsLayout"/>, in float64 before the final float32 cast.
/// Pure; a metric whose inputs were not measured is NaN.
/// </summary>
public static class LayerStatsFinalizer
{
    private static readonly int WeightRow = LayerStatsLayout.RoleIndex(TensorRoles.Weight);

    /// <summary>Raw values per layer ([roles × raw columns], row-major).</summary>
    public static int RawWidth => LayerStatsLayout.Roles.Count * RawStatsLayout.Width;

    /// <summary>One layer's metrics ([roles × metrics], row-major) from its raw buffer.</summary>
    public static float[] Finish(ReadOnlySpan<double> raw)
    {
        var final = new float[LayerStatsLayout.Width];
        Finish(raw, final);
        return final;
    }

    /// <summary>Writes one layer's metrics into <paramref name="final"/> ([roles × metrics]) from <paramref name="raw"/> ([roles × raw columns]).</summary>
    public static void Finish(ReadOnlySpan<double> raw, Span<float> final)
    {
        var metrics = LayerStatsLayout.Metrics.Count;
        for (var r = 0; r < LayerStatsLayout.Roles.Count; r++)
            Role(raw.Slice(r * RawStatsLayout.Width, RawStatsLayout.Width), final.Slice(r * metrics, metrics), r == WeightRow);
    }

    private static void Role(ReadOnlySpan<double> raw, Span<float> m, bool weightRow)
    {
        m.Fill(float.NaN);
        var n = raw[RawStatsLayout.Elements];
        Set(m, MetricCatalog.Amax, raw[RawStatsLayout.Amax]);
        Set(m, MetricCatalog.AmaxPred, raw[RawStatsLayout.AmaxPred]);
        Set(m, MetricCatalog.Scale, raw[RawStatsLayout.Scale]);
        Set(m, MetricCatalog.OverflowFraction, raw[RawStatsLayout.OverflowCount] / Math.Max(1, n));
        if (!double.IsNaN(raw[RawStatsLayout.NonzeroInput]))
        {
            var errorEnergy = raw[RawStatsLayout.ErrorEnergy];
            Set(m, MetricCatalog.UnderflowFraction, QuantErrorStats.UnderflowFraction(n, raw[RawStatsLayout.NonzeroInput], raw[RawStatsLayout.NonzeroQuantized]));
            Set(m, MetricCatalog.Mse, QuantErrorStats.Mse(n, errorEnergy));
            Set(m, MetricCatalog.SqnrDb, QuantErrorStats.SqnrDb(errorEnergy, raw[RawStatsLayout.SignalEnergy]));
        }

        if (raw[RawStatsLayout.Hif8Bins] >= 0) // -1: not HiF8; NaN: no full stats
        {
            var tiers = HiF8TierStats.Tiers(raw.Slice(RawStatsLayout.Hif8Bins, HiF8TierStats.Bins), n);
            Set(m, MetricCatalog.Hif8Tier3Bit, tiers[0]);
            Set(m, MetricCatalog.Hif8Tier2Bit, tiers[1]);
            Set(m, MetricCatalog.Hif8Tier1Bit, tiers[2]);
            Set(m, MetricCatalog.Hif8Tier0Bit, tiers[3]);
        }

        if (!double.IsNaN(raw[RawStatsLayout.SumX]))
        {
            Set(m, MetricCatalog.Kurtosis, DistributionStats.Kurtosis(n, raw[RawStatsLayout.SumX], raw[RawStatsLayout.SignalEnergy],
                raw[RawStatsLayout.SumX3], raw[RawStatsLayout.SumX4]));
        }

        Set(m, MetricCatalog.ChannelRatio, DistributionStats.ChannelRatio(raw[RawStatsLayout.Amax], raw[RawStatsLayout.ChannelMedian]));
        Set(m, MetricCatalog.ErrorWeightOnly, raw[RawStatsLayout.ErrorSplit]);
        Set(m, MetricCatalog.ErrorInputOnly, raw[RawStatsLayout.ErrorSplit + 1]);
        Set(m, MetricCatalog.ErrorBoth, raw[RawStatsLayout.ErrorSplit + 2]);
        if (weightRow) Set(m, MetricCatalog.WeightNorm, Math.Sqrt(raw[RawStatsLayout.SignalEnergy]));
        Set(m, MetricCatalog.GradNorm, raw[RawStatsLayout.GradNorm]);
    }

    private static void Set(Span<float> m, string metric, double value) => m[LayerStatsLayout.MetricIndex(metric)] = (float)value;
}
