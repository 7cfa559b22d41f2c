using QuantScope.Web.Api;

namespace QuantScope.Web.Compare;

/// <summary>The compare page's heatmaps of one metric and role, pooled for the view (exports keep every step).</summary>
/// <param name="Runs">One heatmap per run, in the runs' order.</param>
/// <param name="Range">The colour scale all runs share; null when none has a value.</param>
/// <param name="Difference">A − B of the first two runs over their common steps.</param>
/// <param name="DifferenceAbs">The difference's largest magnitude (at least 1e-12): its symmetric colour scale.</param>
public sealed record CompareHeatmaps(IReadOnlyList<HeatmapDto> Runs, (float Min, float Max)? Range, HeatmapDto Difference, double DifferenceAbs);
