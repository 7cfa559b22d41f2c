using System.Globalization;
using System.Text.RegularExpressions;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Charts;

/// <summary>Pure reads for the layer panel: the amax history window of a layer, and its FC2 outlier channels.</summary>
public static partial class LayerPanelData
{
    /// <summary>
    /// The amax history length the layer's <paramref name="role"/> (input by default) was scaled with, read from its
    /// effective-plan recipe (<c>delayed(h=16,max,margin=0)</c> → 16); null for current scaling, block formats or no plan.
    /// </summary>
    public static int? HistoryWindow(EffectivePlanDto? plan, string layer, string role = TensorRoles.Input)
    {
        var recipe = Entry(plan, layer, role)?.Recipe;
        if (recipe is null) return null;
        var match = HistoryPattern().Match(recipe);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The effective-plan row of (<paramref name="layer"/>, <paramref name="role"/>), or null.</summary>
    public static PlanEntry? Entry(EffectivePlanDto? plan, string layer, string role) =>
        plan?.Entries.FirstOrDefault(e => e.Layer == layer && e.Role == role);

    /// <summary>
    /// The top channels of <paramref name="layer"/> at the latest step that has them, from the scalars
    /// <c>outliers.LAYER.RANK.absmax</c> and <c>outliers.LAYER.RANK.channel</c>; empty when the layer has none.
    /// </summary>
    public static IReadOnlyList<OutlierChannel> Outliers(IEnumerable<ScalarPoint> scalars, string layer)
    {
        var prefix = MetricCatalog.OutlierPrefix + layer + ".";
        var mine = scalars.Where(p => p.Metric.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (mine.Count == 0) return [];
        var step = mine.Max(p => p.Step);
        var at = mine.Where(p => p.Step == step).GroupBy(p => p.Metric).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        var result = new List<OutlierChannel>();
        for (var rank = 0; at.TryGetValue(MetricCatalog.OutlierAbsMax(layer, rank), out var absmax); rank++)
        {
            var channel = at.TryGetValue(MetricCatalog.OutlierChannel(layer, rank), out var c) ? (int)c : -1;
            result.Add(new OutlierChannel(rank, channel, absmax, step));
        }
        return result;
    }

    /// <summary>True for an MLP down projection (FC2), whose input carries the SwiGLU outliers.</summary>
    public static bool IsDownProjection(string layer) => layer.EndsWith("mlp.down_proj", StringComparison.Ordinal);

    [GeneratedRegex(@"\bh=(\d+)")]
    private static partial Regex HistoryPattern();
}
