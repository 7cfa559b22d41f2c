using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Divergence: a non-finite loss (or a stored divergence error), and loss spikes — a step whose loss has
/// z = (loss - mean) / std of the trailing <see cref="DiagnosisThresholds.SpikeWindow"/> finite losses (spikes already found left out) at least
/// <see cref="DiagnosisThresholds.SpikeZScore"/> and lies at least <see cref="DiagnosisThresholds.SpikeMinRelativeJump"/>
/// above that mean. Spikes the BF16 twin shares at the same step are data, not quantization: they lower the severity.
/// </summary>
public static class DivergenceDetector
{
    /// <summary>Zero, one or two findings (non-finite, spikes).</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var loss = input.Scalar(MetricCatalog.Loss);
        var nonFinite = loss is null ? [] : loss.Steps.Where((s, k) => !float.IsFinite(loss.Values[k])).ToArray();
        var diverged = input.RunError?.Contains("diverged", StringComparison.OrdinalIgnoreCase) == true;
        if (nonFinite.Length > 0 || diverged)
        {
            var evidence = nonFinite.Length > 0 ? $"The loss is not finite at step {nonFinite[0]} ({nonFinite.Length} step(s))." : "";
            if (diverged) evidence = (evidence + " " + input.RunError).Trim();
            yield return new Finding(DetectorIds.Divergence, FindingSeverity.Critical, "Training diverged", evidence, [], nonFinite.Take(t.MaxListed).ToArray(),
                new ChartHint(MetricCatalog.Loss, TensorRoles.None, null),
                "Lower the LR, keep gradient clipping on (gradClip 1.0), warm up in BF16; see the NaN/Inf origin finding for the first bad tensor.");
        }

        if (loss is null) yield break;
        var spikes = Spikes(loss, t);
        if (spikes.Count == 0) yield break;
        var twinSpikes = input.Scalar(MetricCatalog.BaselineLoss) is { } twin ? Spikes(twin, t).Select(s => s.Step).ToHashSet() : [];
        var own = spikes.Where(s => !twinSpikes.Contains(s.Step)).ToArray();
        var worst = spikes.MaxBy(s => s.Z);
        var text = $"{spikes.Count} loss spike(s) with z ≥ {Num(t.SpikeZScore)} over a trailing {t.SpikeWindow}-step window; worst at step {worst.Step}: "
            + $"{Num(worst.Value)} vs a trailing mean of {Num(worst.Mean)} (z = {(double.IsInfinity(worst.Z) ? "∞" : Num(worst.Z))}).";
        if (twinSpikes.Count > 0 || input.Scalar(MetricCatalog.BaselineLoss) is not null)
            text += $" The BF16 twin spiked at {spikes.Count - own.Length} of these steps.";
        var severity = own.Length == 0 ? FindingSeverity.Info : own.Length >= t.SpikeCriticalCount ? FindingSeverity.Critical : FindingSeverity.Warning;
        yield return new Finding(DetectorIds.Divergence, severity, $"Loss spikes ({spikes.Count})", text, [],
            spikes.Select(s => s.Step).Take(t.MaxListed).ToArray(), new ChartHint(MetricCatalog.Loss, TensorRoles.None, null),
            "Lower the LR or lengthen its warmup; check the saturation finding for layers whose amax jumps at these steps.");
    }

    private static List<(int Step, double Value, double Mean, double Z)> Spikes(StepSeries series, DiagnosisThresholds t)
    {
        var spikes = new List<(int, double, double, double)>();
        var history = new List<double>(); // finite losses that were not spikes: a spike must not hide the next one
        foreach (var (step, v) in series.Finite())
        {
            double value = v;
            var window = history.Skip(Math.Max(0, history.Count - t.SpikeWindow)).ToArray();
            if (window.Length >= t.SpikeMinHistory && value > mean(window) * (1 + t.SpikeMinRelativeJump) && value > mean(window))
            {
                var m = mean(window);
                var std = Math.Sqrt(window.Average(x => (x - m) * (x - m)));
                var z = std > 0 ? (value - m) / std : double.PositiveInfinity;
                if (z >= t.SpikeZScore)
                {
                    spikes.Add((step, value, m, z));
                    continue;
                }
            }

            history.Add(value);
        }

        static double mean(double[] w) => w.Average();
        return spikes;
    }
}
