using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

// How to add a statistic: (1) name it once in Telemetry/MetricCatalogEntries.cs; (2) in the stats group whose kernel
// measures it (or a new group listed in Groups below), declare the RawColumn(s) the kernel writes in Group.Raw and
// write them at column.Offset on the device; (3) add a LayerStat with the host formula that reads raw[column.Offset].
// Offsets, widths, the host copy, finishing and the metric batch all follow from those declarations.

/// <summary>
/// Layout of a <see cref="QuantLinear"/>'s per-step stats buffer: [<see cref="Roles"/>.Count, <see cref="Metrics"/>.Count]
/// float32, row = tensor role, column = metric. The device holds raw counts and sums instead (<see cref="RawStatsLayout"/>),
/// which <see cref="LayerStatsFinalizer"/> turns into these columns on the host once per logged window.
/// </summary>
public static class LayerStatsLayout
{
    /// <summary>Row order: the layer's input activation, its weight, then its output gradient (backward pass).</summary>
    public static IReadOnlyList<string> Roles => TensorRoles.All;

    /// <summary>
    /// The stats groups, in buffer order: the quantizer's (every step), the error sums', the HiF8 tiers', the magnitude
    /// histogram's and the block scales' (all five written by the quantizer), the dynamic range, the input's shape, then
    /// the error split and the norms, and the what-if FP8 gradient of a high-precision gradient. Their metrics make the columns here, their raw columns those of
    /// <see cref="RawStatsLayout"/> (the quantizer writes its five groups as one vector, so they lead, in this order).
    /// </summary>
    internal static IReadOnlyList<LayerStatsGroup> Groups { get; } =
    [
        RoleQuantizer.Group, QuantErrorStats.Group, HiF8TierStats.Group, MagnitudeHistogram.Group, BlockScaleStats.Group,
        RangeStats.Group, DistributionStats.Group, LayerStatsWriter.Group, GradWhatIfStats.Group,
    ];

    /// <summary>The columns, as each stats group declares them next to the kernels that fill them.</summary>
    internal static IReadOnlyList<LayerStat> Stats { get; } = [.. Groups.SelectMany(g => g.Stats)];

    /// <summary>
    /// Column order (the metrics of <see cref="Stats"/>). A value that was not measured on a step is NaN: every column
    /// but amax for a high-precision role, the error columns off stats steps, the HiF8 tiers for other formats,
    /// kurtosis / channelRatio / the error split outside the input row, the norms outside the weight row. Block-scaled
    /// roles report amaxPred = amax, scale = 1.
    /// </summary>
    public static IReadOnlyList<string> Metrics { get; } = [.. Stats.Select(s => s.Metric)];

    /// <summary>Values per layer per step (roles × metrics).</summary>
    public static int Width => Roles.Count * Metrics.Count;

    /// <summary>Flat index of (role, metric) inside one layer's row-major buffer.</summary>
    public static int IndexOf(string role, string metric)
    {
        return RoleIndex(role) * Metrics.Count + MetricIndex(metric);
    }

    /// <summary>Column of <paramref name="metric"/> in a role's row.</summary>
    public static int MetricIndex(string metric) => IndexIn(Metrics, metric, nameof(metric));

    /// <summary>Row of <paramref name="role"/>.</summary>
    public static int RoleIndex(string role) => IndexIn(Roles, role, nameof(role));

    private static int IndexIn(IReadOnlyList<string> list, string value, string paramName)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        throw new ArgumentException($"'{value}' is not in the stats layout.", paramName);
    }
}
