using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// Which picker group a per-layer metric goes in, and its label: from the <see cref="MetricCatalog"/> where it knows the
/// name (what-if metrics as <c>what-if FORMAT: label</c>), else the raw name (a metric the catalogue does not name yet
/// still shows). Groups are matched by name, so families the catalogue gains later land in their group.
/// </summary>
public static class MetricGrouping
{
    /// <summary>The groups, in picker order (what-if groups, one per format, come after these, then "other").</summary>
    public static IReadOnlyList<string> Order { get; } =
        ["Saturation and range", "Quantization error", "Distribution", "Block scales", "HiF8 tiers", "Norms", "Magnitude histogram"];

    private static readonly Dictionary<string, string> ByName = new(StringComparer.Ordinal)
    {
        [MetricCatalog.OverflowFraction] = Order[0], [MetricCatalog.SaturationEvent] = Order[0], [MetricCatalog.SaturationRate] = Order[0],
        [MetricCatalog.AmaxRatio] = Order[0], [MetricCatalog.Amax] = Order[0], [MetricCatalog.AmaxPred] = Order[0],
        [MetricCatalog.Scale] = Order[0], [MetricCatalog.DynamicRange] = Order[0],
        [MetricCatalog.UnderflowFraction] = Order[1], [MetricCatalog.Mse] = Order[1], [MetricCatalog.SqnrDb] = Order[1],
        [MetricCatalog.ErrorBoth] = Order[1], [MetricCatalog.ErrorInputOnly] = Order[1], [MetricCatalog.ErrorWeightOnly] = Order[1],
        [MetricCatalog.Kurtosis] = Order[2], [MetricCatalog.ChannelRatio] = Order[2],
        [MetricCatalog.ScaleInvMin] = Order[3], [MetricCatalog.ScaleInvMax] = Order[3], [MetricCatalog.ScaleStd] = Order[3],
        [MetricCatalog.BlocksAtScaleLimit] = Order[3], [MetricCatalog.BlockUnderflow] = Order[3],
        [MetricCatalog.Hif8Tier3Bit] = Order[4], [MetricCatalog.Hif8Tier2Bit] = Order[4], [MetricCatalog.Hif8Tier1Bit] = Order[4], [MetricCatalog.Hif8Tier0Bit] = Order[4],
        [MetricCatalog.WeightNorm] = Order[5], [MetricCatalog.GradNorm] = Order[5],
    };

    /// <summary>The label of the group "not in the catalogue".</summary>
    public const string Other = "Other (as recorded)";

    /// <summary>The group of <paramref name="metric"/>: a fixed group, <c>what-if FORMAT</c>, or <see cref="Other"/>.</summary>
    public static string GroupOf(string metric)
    {
        if (ByName.TryGetValue(metric, out var group)) return group;
        if (metric.StartsWith(MetricCatalog.MagHistPrefix, StringComparison.Ordinal)) return Order[6];
        if (WhatIfFormat(metric) is { } format) return $"What-if {format}";
        return Other;
    }

    /// <summary>The picker label of <paramref name="metric"/>, with its unit where the catalogue has it; else the name.</summary>
    public static string LabelOf(string metric)
    {
        if (WhatIfFormat(metric) is { } format && MetricCatalog.TryGet(metric[(metric.LastIndexOf('.') + 1)..], out var inner))
            return $"what-if {format}: {inner.Label}";
        return MetricCatalog.TryGet(metric, out var info) ? info.Label : metric;
    }

    // FORMAT of whatIf.FORMAT.METRIC (formats may hold dots? registry names do not), else null.
    private static string? WhatIfFormat(string metric)
    {
        if (!metric.StartsWith(MetricCatalog.WhatIfPrefix, StringComparison.Ordinal)) return null;
        var last = metric.LastIndexOf('.');
        return last > MetricCatalog.WhatIfPrefix.Length ? metric[MetricCatalog.WhatIfPrefix.Length..last] : null;
    }
}
