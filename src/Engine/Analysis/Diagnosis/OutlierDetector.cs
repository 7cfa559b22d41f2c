using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Outlier bottleneck: one layer whose mean input kurtosis (at least <see cref="DiagnosisThresholds.MinKurtosis"/>) or
/// mean input-only error is at least <see cref="DiagnosisThresholds.DominanceRatio"/> times the median of the other
/// layers (typically FC2, <c>mlp.down_proj</c>, whose input is the SwiGLU product). The expected gain of keeping its
/// input in 8 bits is its input-only error share: errorInputOnly / (errorInputOnly + errorWeightOnly).
/// </summary>
public static class OutlierDetector
{
    /// <summary>At most one finding per dominating layer.</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var start = input.QatStart();
        var kurtosis = Dominant(input, MetricCatalog.Kurtosis, start, t, t.MinKurtosis);
        var error = Dominant(input, MetricCatalog.ErrorInputOnly, start, t, 0);
        foreach (var layer in new[] { kurtosis?.Layer, error?.Layer }.OfType<int>().Distinct())
        {
            var name = input.Layers[layer];
            var parts = new List<string>();
            if (kurtosis is { } k && k.Layer == layer)
                parts.Add($"input kurtosis {Num(k.Value)}, {Num(k.Ratio)}× the median of the other layers ({Num(k.Median)}; 3 = normal)");
            if (error is { } e && e.Layer == layer)
                parts.Add($"input-only quantization error {Num(e.Value)}, {Num(e.Ratio)}× the median of the other layers ({Num(e.Median)})");
            var evidence = $"{name}: {string.Join("; ", parts)}.";
            var share = Share(input, layer, start);
            if (share is { } s) evidence += $" The input causes {Pct(s)} of this layer's error (errorInputOnly / (errorInputOnly + errorWeightOnly)): keeping it in 8 bits should remove about that share.";

            var format = input.Plan.FirstOrDefault(p => p.Layer == name && p.Role == TensorRoles.Input)?.Format;
            var fix = IsFourBit(format)
                ? $"Keep that input in 8 bits: put a rule {{\"layer\": \"{name}\", \"role\": \"input\", \"format\": \"int8\"}} (or e4m3) before the others."
                : $"Keep that input in 8 bits or higher: an 8-bit per-block format (mxfp8-e4m3), or a keep rule for {name} input.";
            yield return new Finding(DetectorIds.OutlierBottleneck, error?.Layer == layer ? FindingSeverity.Warning : FindingSeverity.Info,
                $"{name} input is the quantization bottleneck" + (name.EndsWith(".mlp.down_proj", StringComparison.Ordinal) ? " (FC2)" : ""),
                evidence, [name], [], new ChartHint(error?.Layer == layer ? MetricCatalog.ErrorInputOnly : MetricCatalog.Kurtosis, TensorRoles.Input, name), fix);
        }
    }

    private static (int Layer, double Value, double Median, double Ratio)? Dominant(DiagnosisInput input, string metric, int start, DiagnosisThresholds t, double floor)
    {
        if (input.Layer(metric, TensorRoles.Input) is not { } series) return null;
        var means = Enumerable.Range(0, input.Layers.Count).Select(l => (Layer: l, Mean: series.Mean(l, start))).Where(x => double.IsFinite(x.Mean)).ToArray();
        if (means.Length < t.MinLayers) return null;
        var top = means.MaxBy(x => x.Mean);
        var median = Median(means.Where(x => x.Layer != top.Layer).Select(x => x.Mean));
        if (!(median > 0) || top.Mean < floor) return null;
        var ratio = top.Mean / median;
        return ratio >= t.DominanceRatio ? (top.Layer, top.Mean, median, ratio) : null;
    }

    private static double? Share(DiagnosisInput input, int layer, int start)
    {
        var inputOnly = input.Layer(MetricCatalog.ErrorInputOnly, TensorRoles.Input)?.Mean(layer, start) ?? double.NaN;
        var weightOnly = input.Layer(MetricCatalog.ErrorWeightOnly, TensorRoles.Input)?.Mean(layer, start) ?? double.NaN;
        return inputOnly + weightOnly > 0 ? inputOnly / (inputOnly + weightOnly) : null;
    }

    private static bool IsFourBit(string? format) =>
        format is not null && (format.StartsWith("int4", StringComparison.OrdinalIgnoreCase) || format.Contains("fp4", StringComparison.OrdinalIgnoreCase)
            || format.StartsWith("int2", StringComparison.OrdinalIgnoreCase) || format.StartsWith("int3", StringComparison.OrdinalIgnoreCase));
}
