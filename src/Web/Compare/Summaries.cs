using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;

namespace QuantScope.Web.Compare;

/// <summary>Pure assembly of <see cref="CompareSummaryRow"/> from a stored summary and an overflow heatmap.</summary>
public static class Summaries
{
    /// <summary>
    /// The line of one run. Overflow max and mean come from the summary when it has them, else from
    /// <paramref name="overflow"/> (external and imported runs); worst layers rank layers by mean overflow fraction.
    /// </summary>
    public static CompareSummaryRow Row(Guid id, string name, RunSummary? summary, HeatmapDto overflow, int worstCount)
    {
        var cells = overflow.Values.SelectMany(r => r).Where(v => v is { } x && float.IsFinite(x)).Select(v => (double)v!.Value).ToList();
        var forgetting = summary?.Forgetting;
        return new CompareSummaryRow(
            id, name, summary?.LossApe?.MeanPct, summary?.LossApe?.LastPct,
            summary?.Tasks?.Select(t => (t.Name, t.RelativeDropPct)).ToList() ?? [],
            forgetting is null ? null : forgetting.HeldOutLossEnd - forgetting.HeldOutLossStart,
            forgetting is null ? null : forgetting.ProbeAccuracyEnd - forgetting.ProbeAccuracyStart,
            summary?.Saturation?.OverflowFractionMax ?? (cells.Count > 0 ? cells.Max() : null),
            summary?.Saturation?.OverflowFractionMean ?? (cells.Count > 0 ? cells.Average() : null),
            WorstLayers(overflow, worstCount, summary?.Saturation?.WorstLayer));
    }

    /// <summary>Up to <paramref name="count"/> layers with a positive mean overflow, highest first; the summary's worst leads.</summary>
    public static IReadOnlyList<string> WorstLayers(HeatmapDto overflow, int count, string? summaryWorst)
    {
        var ranked = overflow.Layers
            .Select((layer, i) => (layer, mean: overflow.Values[i].Where(v => v is { } x && float.IsFinite(x)).Select(v => (double)v!.Value).DefaultIfEmpty(0).Average()))
            .Where(x => x.mean > 0)
            .OrderByDescending(x => x.mean)
            .Select(x => x.layer);
        var head = summaryWorst is null ? [] : new[] { summaryWorst };
        return head.Concat(ranked).Distinct(StringComparer.Ordinal).Take(count).ToList();
    }
}
