using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Early warning: outlier growth in an FC2 (<c>mlp.down_proj</c>) input, whose SwiGLU product grows outlier channels
/// in long runs before FP8 training diverges (Fishman et al. 2024; FOG 2025). Over the last
/// <see cref="DiagnosisThresholds.TrendWindow"/> logged values of its input kurtosis and channel ratio, a rising trend
/// is one whose Mann-Kendall Z reaches <see cref="DiagnosisThresholds.TrendZScore"/> and whose Theil-Sen line grew by
/// at least <see cref="DiagnosisThresholds.TrendMinGrowth"/> of its value at the window's start. It looks at trends,
/// not at overflow, so it fires while the scale still copes; the evidence says whether that input has overflowed yet.
/// Inputs the plan keeps in high precision are skipped.
/// </summary>
public static class OutlierGrowthDetector
{
    private static readonly string[] Metrics = [MetricCatalog.Kurtosis, MetricCatalog.ChannelRatio];

    /// <summary>At most one finding per FC2 layer (both metrics in one finding when both rise).</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        for (var layer = 0; layer < input.Layers.Count; layer++)
        {
            var name = input.Layers[layer];
            if (!name.EndsWith("mlp.down_proj", StringComparison.Ordinal)) continue;
            var format = input.Plan.FirstOrDefault(p => p.Layer == name && p.Role == TensorRoles.Input)?.Format;
            if (format == QuantPlan.HighPrecisionFormat) continue; // kept: outliers cannot clip there

            var rising = Metrics.Select(m => (Metric: m, Rise: Rising(input.Layer(m, TensorRoles.Input), layer, t)))
                .Where(x => x.Rise is not null).Select(x => (x.Metric, Rise: x.Rise!.Value)).ToArray();
            if (rising.Length == 0) continue;

            var parts = rising.Select(r => $"input {Describe(r.Metric)} rose from {Num(r.Rise.Start)} to {Num(r.Rise.End)} "
                + $"(Theil-Sen line, +{Pct(r.Rise.Growth)}) over steps {r.Rise.FirstStep}–{r.Rise.LastStep} ({r.Rise.Points} logged values, "
                + $"Mann-Kendall Z {Num(r.Rise.Z)})");
            var evidence = $"{name}: {string.Join("; ", parts)}. {OverflowSoFar(input, layer)}";
            var first = rising[0].Rise;
            yield return new Finding(
                DetectorIds.OutlierGrowth,
                FindingSeverity.Warning,
                $"{name} input outliers are growing (FC2): an early warning of FP8 overflow",
                evidence,
                [name],
                [first.FirstStep, first.LastStep],
                new ChartHint(rising[0].Metric, TensorRoles.Input, name),
                Fix(name, format));
        }
    }

    /// <summary>The trend of one layer's series over the trailing window, or null when it does not rise enough.</summary>
    internal static TrendRise? Rising(LayerSeries? series, int layer, DiagnosisThresholds t)
    {
        if (series is null) return null;
        var finite = new List<(int Step, double Value)>();
        for (var k = 0; k < series.Steps.Length; k++)
        {
            var v = series.At(k, layer);
            if (float.IsFinite(v)) finite.Add((series.Steps[k], v));
        }

        var window = finite.Skip(Math.Max(0, finite.Count - t.TrendWindow)).ToArray();
        if (window.Length < t.TrendMinPoints) return null;
        var x = window.Select(p => (double)p.Step).ToArray();
        var y = window.Select(p => p.Value).ToArray();
        var (_, z) = Trend.MannKendall(y);
        var (slope, start) = Trend.TheilSen(x, y);
        if (!(start > 0) || !double.IsFinite(slope)) return null;
        var span = x[^1] - x[0];
        var growth = slope * span / start;
        if (z < t.TrendZScore || growth < t.TrendMinGrowth) return null;
        return new TrendRise(window[0].Step, window[^1].Step, window.Length, z, start, start + slope * span, growth);
    }

    private static string Describe(string metric) => metric == MetricCatalog.Kurtosis ? "kurtosis (3 = normal)" : "channel ratio (max / median channel absmax)";

    private static string OverflowSoFar(DiagnosisInput input, int layer)
    {
        if (input.Layer(MetricCatalog.OverflowFraction, TensorRoles.Input) is not { } overflow) return "Its overflow was not recorded.";
        for (var k = 0; k < overflow.Steps.Length; k++)
            if (overflow.At(k, layer) > 0) return $"It first overflowed at step {overflow.Steps[k]}: the growth has reached the format's range.";
        return "It has not overflowed yet: this is the time to act.";
    }

    private static string Fix(string name, string? format)
    {
        var keep = $"{{\"layer\": \"{name}\", \"role\": \"input\", \"recipe\": \"keep\"}}";
        var block = $"{{\"layer\": \"{name}\", \"role\": \"input\", \"format\": \"mxfp8-e4m3\", \"recipe\": \"block\"}}";
        return $"Keep that input in high precision with a rule {keep} first in quant.rules, or give it an 8-bit per-block format "
            + $"({block}: one scale per 32 values, so an outlier channel no longer sets the scale of the whole tensor)"
            + (format is null ? "." : $"; it runs in {format} now.");
    }

    /// <summary>A rising trend: the window's steps and size, its Mann-Kendall Z, and the Theil-Sen line's start, end and relative growth.</summary>
    internal readonly record struct TrendRise(int FirstStep, int LastStep, int Points, double Z, double Start, double End, double Growth);
}
