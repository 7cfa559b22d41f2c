using QuantScope.Data;
using QuantScope.Data.Series;
using QuantScope.Web.Api;

namespace QuantScope.Web.Compare;

/// <summary>Pure heatmap arithmetic for the compare view and the difference API. Null means "not measured".</summary>
public static class HeatmapMath
{
    /// <summary>A stored heatmap (per step over layers, NaN = not measured) as layers × steps with nulls.</summary>
    public static HeatmapDto FromStored(IReadOnlyList<string> layers, Heatmap heatmap)
    {
        var values = new float?[layers.Count][];
        for (var l = 0; l < layers.Count; l++)
        {
            values[l] = new float?[heatmap.Steps.Length];
            for (var j = 0; j < heatmap.Steps.Length; j++)
            {
                var row = heatmap.Values[j];
                values[l][j] = l < row.Length && !float.IsNaN(row[l]) ? row[l] : null;
            }
        }
        return new HeatmapDto(layers, heatmap.Steps, values);
    }

    /// <summary>
    /// A − B over the steps both have (ascending) and the layers both have, matched by name, in A's order. A cell is null
    /// where either side is null or the difference is not finite.
    /// </summary>
    public static HeatmapDto Difference(HeatmapDto a, HeatmapDto b)
    {
        var bLayer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < b.Layers.Count; i++) bLayer.TryAdd(b.Layers[i], i);
        var bStep = new Dictionary<int, int>();
        for (var j = 0; j < b.Steps.Length; j++) bStep.TryAdd(b.Steps[j], j);

        var layers = a.Layers.Select((name, i) => (name, i)).Where(x => bLayer.ContainsKey(x.name)).ToList();
        var steps = a.Steps.Select((step, j) => (step, j)).Where(x => bStep.ContainsKey(x.step)).OrderBy(x => x.step).ToList();
        var values = new float?[layers.Count][];
        for (var l = 0; l < layers.Count; l++)
        {
            var rowA = a.Values[layers[l].i];
            var rowB = b.Values[bLayer[layers[l].name]];
            values[l] = new float?[steps.Count];
            for (var k = 0; k < steps.Count; k++)
            {
                var va = rowA[steps[k].j];
                var vb = rowB[bStep[steps[k].step]];
                values[l][k] = va is { } x && vb is { } y && float.IsFinite(x - y) ? x - y : null;
            }
        }
        return new HeatmapDto(layers.Select(x => x.name).ToList(), steps.Select(x => x.step).ToArray(), values);
    }

    /// <summary>The smallest and largest finite value over all heatmaps (one colour scale for all), or null when empty.</summary>
    public static (float Min, float Max)? SharedRange(IEnumerable<HeatmapDto> heatmaps)
    {
        var min = float.PositiveInfinity;
        var max = float.NegativeInfinity;
        foreach (var v in heatmaps.SelectMany(h => h.Values).SelectMany(r => r))
        {
            if (v is not { } x || !float.IsFinite(x)) continue;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        return min <= max ? (min, max) : null;
    }

    /// <summary>The largest absolute finite value (a symmetric scale around zero for differences); 0 when empty.</summary>
    public static float MaxAbs(HeatmapDto heatmap) =>
        heatmap.Values.SelectMany(r => r).Where(v => v is { } x && float.IsFinite(x)).Select(v => Math.Abs(v!.Value)).DefaultIfEmpty(0).Max();

    /// <summary>
    /// At most <paramref name="maxSteps"/> columns for the view: consecutive steps pooled by the value of largest magnitude
    /// (a saturation spike must stay visible), labelled by each bucket's first step. Exports keep full resolution.
    /// </summary>
    public static HeatmapDto Downsample(HeatmapDto heatmap, int maxSteps)
    {
        var n = heatmap.Steps.Length;
        if (maxSteps < 1 || n <= maxSteps) return heatmap;
        var width = (int)Math.Ceiling(n / (double)maxSteps);
        var buckets = (n + width - 1) / width;
        var steps = new int[buckets];
        for (var k = 0; k < buckets; k++) steps[k] = heatmap.Steps[k * width];
        var values = heatmap.Values.Select(row =>
        {
            var pooled = new float?[buckets];
            for (var k = 0; k < buckets; k++)
            {
                for (var j = k * width; j < Math.Min(n, (k + 1) * width); j++)
                {
                    if (row[j] is { } v && (pooled[k] is not { } p || Math.Abs(v) > Math.Abs(p))) pooled[k] = v;
                }
            }
            return pooled;
        }).ToArray();
        return new HeatmapDto(heatmap.Layers, steps, values);
    }
}
