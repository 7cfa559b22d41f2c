using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>The metrics the pickers offer (those the <see cref="MetricCatalog"/> marks offered, in its order), each with its unit, and the tensor roles.</summary>
public static class MetricOptions
{
    /// <summary>Per-layer metrics for heatmaps.</summary>
    public static IReadOnlyList<MetricOption> Heatmap { get; } = Offered(MetricScope.PerLayer);

    /// <summary>Per-step scalar metrics for overlaid curves.</summary>
    public static IReadOnlyList<MetricOption> Scalar { get; } = Offered(MetricScope.Scalar);

    /// <summary>The tensor roles with what they are.</summary>
    public static IReadOnlyList<MetricOption> Roles { get; } =
    [
        new(TensorRoles.Input, "input (activation)"),
        new(TensorRoles.Weight, "weight"),
        new(TensorRoles.GradOutput, "grad (output gradient)"),
    ];

    /// <summary>The colour scale of <paramref name="metric"/>'s heatmap (Viridis for a metric the catalog does not know).</summary>
    public static string ColorScaleOf(string metric) =>
        (MetricCatalog.TryGet(metric, out var info) ? info.ColorScale : ColorScale.Viridis).ToString();

    private static MetricOption[] Offered(MetricScope scope) =>
        [.. MetricCatalog.All.Where(m => m.Offered && m.Scope == scope).Select(m => new MetricOption(m.Name, m.Label))];

    /// <summary>The label of <paramref name="metric"/> among <paramref name="options"/>, else the name itself.</summary>
    public static string LabelOf(IReadOnlyList<MetricOption> options, string metric) =>
        options.FirstOrDefault(o => o.Metric == metric)?.Label ?? metric;
}
