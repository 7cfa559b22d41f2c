using QuantScope.Data.Import.Logs;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The metrics the pickers offer, each with its unit, and the tensor roles: for a run, every per-layer metric it
/// recorded, grouped (<see cref="ForRun"/>); the <see cref="MetricCatalog"/>'s offered ones before anything is recorded.
/// </summary>
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

    /// <summary>
    /// The role pickers of a run: the three tensor roles, then every other role it recorded (an imported variant such as
    /// Transformer Engine's columnwise copy, <c>input-columnwise</c>, labelled so), by name.
    /// </summary>
    public static IReadOnlyList<MetricOption> RolesFor(IEnumerable<string> recorded) =>
        [.. Roles, .. recorded.Where(r => Roles.All(o => o.Metric != r)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(r => new MetricOption(r, r.EndsWith(TeStatName.ColumnwiseSuffix, StringComparison.Ordinal) ? $"{r[..^TeStatName.ColumnwiseSuffix.Length]} (columnwise copy)" : r))];

    /// <summary>
    /// The grouped picker of a run: every name in <paramref name="recorded"/> (the run's per-layer metrics), or the
    /// catalogue's offered ones while it has none, plus <paramref name="selected"/> so the current pick always shows.
    /// Groups in <see cref="MetricGrouping.Order"/>, then what-if formats, then the names the catalogue does not know;
    /// within a group the catalogue's order, magnitude-histogram bins by exponent, then by name.
    /// </summary>
    public static IReadOnlyList<MetricGroup> ForRun(IEnumerable<string> recorded, string? selected = null)
    {
        var names = new HashSet<string>(recorded, StringComparer.Ordinal);
        if (names.Count == 0) names.UnionWith(Heatmap.Select(o => o.Metric));
        if (selected is not null) names.Add(selected);
        return names.GroupBy(MetricGrouping.GroupOf)
            .OrderBy(g => GroupRank(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MetricGroup(g.Key, g
                .OrderBy(n => CatalogOrder.GetValueOrDefault(n, int.MaxValue)).ThenBy(MagHistRank).ThenBy(n => n, StringComparer.Ordinal)
                .Select(n => new MetricOption(n, MetricGrouping.LabelOf(n))).ToList()))
            .ToList();
    }

    /// <summary>
    /// The run page's curve picker: every scalar in <paramref name="recorded"/>, in the catalogue's order, then by name;
    /// a named metric with the catalogue's label, a family member (a task's accuracy) as its own name with its unit.
    /// </summary>
    public static IReadOnlyList<MetricOption> ForScalars(IEnumerable<string> recorded) =>
        [.. recorded.Distinct(StringComparer.Ordinal)
            .OrderBy(n => CatalogOrder.GetValueOrDefault(n, int.MaxValue)).ThenBy(n => n, StringComparer.Ordinal)
            .Select(n => new MetricOption(n, CatalogLabels.TryGetValue(n, out var label) ? label : $"{n} ({MetricCatalog.UnitOf(n)})"))];

    private static readonly Dictionary<string, string> CatalogLabels =
        MetricCatalog.All.ToDictionary(m => m.Name, m => m.Label, StringComparer.Ordinal);

    private static readonly Dictionary<string, int> CatalogOrder =
        MetricCatalog.All.Select((m, i) => (m.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    private static int GroupRank(string group)
    {
        var fixedRank = MetricGrouping.Order.ToList().IndexOf(group);
        if (fixedRank >= 0) return fixedRank;
        return group == MetricGrouping.Other ? MetricGrouping.Order.Count + 1 : MetricGrouping.Order.Count;
    }

    // magHist.zero, magHist.under, magHist.e{k} by k, magHist.over; other names 0.
    private static int MagHistRank(string name) => MagnitudeBin.TryParse(name, out var bin) ? bin.Rank : 0;

    /// <summary>The colour scale of <paramref name="metric"/>'s heatmap (Viridis for a metric the catalog does not know).</summary>
    public static string ColorScaleOf(string metric) =>
        (MetricCatalog.TryGet(metric, out var info) ? info.ColorScale : ColorScale.Viridis).ToString();

    private static MetricOption[] Offered(MetricScope scope) =>
        [.. MetricCatalog.All.Where(m => m.Offered && m.Scope == scope).Select(m => new MetricOption(m.Name, m.Label))];

    /// <summary>The label of <paramref name="metric"/> among <paramref name="options"/>, else the name itself.</summary>
    public static string LabelOf(IReadOnlyList<MetricOption> options, string metric) =>
        options.FirstOrDefault(o => o.Metric == metric)?.Label ?? metric;
}
