using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Layout of a <see cref="QuantLinear"/>'s per-step stats buffer: [<see cref="Roles"/>.Count, <see cref="Metrics"/>.Count]
/// float32, row = tensor role, column = metric. The trainer copies these rows to the host once per logged window.
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
        MetricNames.Amax, MetricNames.AmaxPred, MetricNames.Scale, MetricNames.OverflowFraction,
        MetricNames.UnderflowFraction, MetricNames.Mse, MetricNames.SqnrDb,
        MetricNames.Hif8Tier3Bit, MetricNames.Hif8Tier2Bit, MetricNames.Hif8Tier1Bit, MetricNames.Hif8Tier0Bit,
        MetricNames.Kurtosis, MetricNames.ChannelRatio,
        MetricNames.ErrorWeightOnly, MetricNames.ErrorInputOnly, MetricNames.ErrorBoth,
        MetricNames.WeightNorm, MetricNames.GradNorm,
    ];

    /// <summary>First column of the input row's shape statistics (kurtosis, channelRatio).</summary>
    public static int ShapeColumn => IndexIn(Metrics, MetricNames.Kurtosis, "metric");

    /// <summary>First column of the error split (weight only, input only, both).</summary>
    public static int ErrorSplitColumn => IndexIn(Metrics, MetricNames.ErrorWeightOnly, "metric");

    /// <summary>Column of the weight norm.</summary>
    public static int WeightNormColumn => IndexIn(Metrics, MetricNames.WeightNorm, "metric");

    /// <summary>Column of the weight-gradient norm.</summary>
    public static int GradNormColumn => IndexIn(Metrics, MetricNames.GradNorm, "metric");

    /// <summary>Values per layer per step (roles × metrics).</summary>
    public static int Width => Roles.Count * Metrics.Count;

    /// <summary>Flat index of (role, metric) inside one layer's row-major buffer.</summary>
    public static int IndexOf(string role, string metric)
    {
        var r = IndexIn(Roles, role, nameof(role));
        var m = IndexIn(Metrics, metric, nameof(metric));
        return r * Metrics.Count + m;
    }

    private static int IndexIn(IReadOnlyList<string> list, string value, string paramName)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        throw new ArgumentException($"'{value}' is not in the stats layout.", paramName);
    }
}
