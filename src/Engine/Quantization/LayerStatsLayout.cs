using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

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
    /// Column order. A value that was not measured on a step is NaN: every column but amax for a high-precision role,
    /// the error columns off stats steps, the HiF8 tiers for other formats, kurtosis / channelRatio / the error split
    /// outside the input row, the norms outside the weight row. Block-scaled roles report amaxPred = amax, scale = 1.
    /// </summary>
    public static IReadOnlyList<string> Metrics { get; } =
    [
        MetricCatalog.Amax, MetricCatalog.AmaxPred, MetricCatalog.Scale, MetricCatalog.OverflowFraction,
        MetricCatalog.UnderflowFraction, MetricCatalog.Mse, MetricCatalog.SqnrDb,
        MetricCatalog.Hif8Tier3Bit, MetricCatalog.Hif8Tier2Bit, MetricCatalog.Hif8Tier1Bit, MetricCatalog.Hif8Tier0Bit,
        MetricCatalog.Kurtosis, MetricCatalog.ChannelRatio,
        MetricCatalog.ErrorWeightOnly, MetricCatalog.ErrorInputOnly, MetricCatalog.ErrorBoth,
        MetricCatalog.WeightNorm, MetricCatalog.GradNorm,
    ];

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
