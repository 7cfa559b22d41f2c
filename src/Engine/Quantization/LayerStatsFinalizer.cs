namespace QuantScope.Engine.Quantization;

/// <summary>
/// Host side of the per-layer statistics: turns one layer's raw counts and sums (<see cref="RawStatsLayout"/>, as the
/// device wrote them) into the metrics of <see cref="LayerStatsLayout"/>, in float64 before the final float32 cast.
/// Pure; a metric whose inputs were not measured is NaN.
/// </summary>
public static class LayerStatsFinalizer
{
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
            Role(raw.Slice(r * RawStatsLayout.Width, RawStatsLayout.Width), final.Slice(r * metrics, metrics), LayerStatsLayout.Roles[r]);
    }

    // Each column's own formula (declared by its stats group, LayerStatsLayout.Stats), in float64, cast once.
    private static void Role(ReadOnlySpan<double> raw, Span<float> m, string role)
    {
        var stats = LayerStatsLayout.Stats;
        for (var i = 0; i < stats.Count; i++) m[i] = (float)stats[i].Finish(raw, role);
    }
}
