using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Forgetting, judged against the BF16 twin (the product's definition: knowledge QAT loses that the twin, trained on the
/// same batches, keeps): held-out pretraining loss above the twin's by <see cref="DiagnosisThresholds.HeldOutLossGap"/>
/// (relative) or probe accuracy below it by <see cref="DiagnosisThresholds.ProbeAccuracyDrop"/> (absolute) at an
/// evaluation after QAT started is a Warning (Critical at twice either bar).
/// <para>
/// A run whose twin forgets just as much is not losing anything to the format: the fine-tuning itself moves the model.
/// Then the held-out loss's rise since QAT began decides: below <see cref="DiagnosisThresholds.HeldOutLossRise"/>
/// nothing; below <see cref="DiagnosisThresholds.HeldOutLossOverwrite"/> at an LR below
/// <see cref="DiagnosisThresholds.HighLearningRate"/> only an Info (fine-tuning on other text drifts away from the
/// pretraining text in BF16 too, probes included); from that rise, or at a high LR, a Warning, and from 5 times it a
/// Critical: the training overwrites its pretraining (LR, no warmup). Without a twin, a rise of
/// <see cref="DiagnosisThresholds.HeldOutLossGap"/> is an Info asking for one.
/// /// </para>
/// </summary>
public static class ForgettingDetector
{
    /// <summary>Zero or one finding.</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var start = input.QatStart();
        var loss = Gaps(input, MetricCatalog.HeldOutLoss, MetricCatalog.BaselineHeldOutLoss, start, (v, b) => b > 0 ? (v - b) / b : double.NaN, t.HeldOutLossGap);
        var probe = Gaps(input, MetricCatalog.ProbeAccuracy, MetricCatalog.BaselineProbeAccuracy, start, (v, b) => b - v, t.ProbeAccuracyDrop);
        if (loss.Count == 0 && probe.Count == 0)
        {
            if (Rise(input, start, t) is { } rise) yield return rise;
            yield break;
        }

        var steps = loss.Select(g => g.Step).Concat(probe.Select(g => g.Step)).Distinct().Order().ToArray();
        var first = steps[0];
        var parts = new List<string>();
        if (loss.Count > 0)
        {
            var peak = loss.MaxBy(g => g.Gap);
            parts.Add($"held-out loss above the BF16 twin's by up to {Pct(peak.Gap)} (step {peak.Step}: {Num(peak.Value)} vs {Num(peak.Baseline)})");
        }

        if (probe.Count > 0)
        {
            var peak = probe.MaxBy(g => g.Gap);
            parts.Add($"probe accuracy below the twin's by up to {Num(peak.Gap * 100)} points (step {peak.Step}: {Pct(peak.Value)} vs {Pct(peak.Baseline)})");
        }

        var early = input.Requested?.Steps is { } total && first <= start + t.EarlyQatFraction * (total - start);
        var evidence = string.Join("; ", parts) + $". First at step {first}" + (early ? ", early in QAT" : "") + $" (QAT from step {start}).";
        var critical = loss.Any(g => g.Gap >= 2 * t.HeldOutLossGap) || probe.Any(g => g.Gap >= 2 * t.ProbeAccuracyDrop);
        yield return new Finding(DetectorIds.Forgetting, critical ? FindingSeverity.Critical : FindingSeverity.Warning,
            "QAT forgets what the BF16 twin keeps", evidence, [], steps.Take(t.MaxListed).ToArray(),
            new ChartHint(loss.Count > 0 ? MetricCatalog.HeldOutLoss : MetricCatalog.ProbeAccuracy, TensorRoles.None, null), Fix(input.Requested, t));
    }

    private static List<(int Step, double Value, double Baseline, double Gap)> Gaps(
        DiagnosisInput input, string metric, string baseline, int start, Func<double, double, double> gap, double threshold)
    {
        var found = new List<(int, double, double, double)>();
        if (input.Scalar(metric) is not { } run || input.Scalar(baseline) is not { } twin) return found;
        var twinAt = twin.Finite().ToDictionary(p => p.Step, p => (double)p.Value);
        foreach (var (step, value) in run.Finite(start + 1))
        {
            if (!twinAt.TryGetValue(step, out var b)) continue;
            var g = gap(value, b);
            if (g >= threshold) found.Add((step, value, b, g));
        }

        return found;
    }

    // The held-out loss's peak rise since QAT began, for a run the twin gap does not flag.
    private static Finding? Rise(DiagnosisInput input, int start, DiagnosisThresholds t)
    {
        if (input.Scalar(MetricCatalog.HeldOutLoss) is not { } heldOut) return null;
        var twin = input.Scalar(MetricCatalog.BaselineHeldOutLoss);
        var before = heldOut.Finite().Where(p => p.Step <= start).Select(p => (double)p.Value).LastOrDefault(double.NaN);
        if (!(before > 0)) return null;
        var after = heldOut.Finite(start + 1).ToArray();
        if (after.Length == 0) return null;
        var peak = after.MaxBy(p => p.Value);
        var rise = (peak.Value - before) / before;
        var chart = new ChartHint(MetricCatalog.HeldOutLoss, TensorRoles.None, null);
        var change = $"held-out loss {Num(before)} at QAT start, {Num(peak.Value)} at step {peak.Step} ({(rise >= 0 ? "+" : "")}{Pct(rise)})";
        if (twin is null)
        {
            if (rise < t.HeldOutLossGap) return null;
            return new Finding(DetectorIds.Forgetting, FindingSeverity.Info, "Held-out loss rose during QAT (no BF16 twin to compare)",
                change + "; without a twin this cannot be told apart from ordinary fine-tuning forgetting.",
                [], [peak.Step], chart, "Rerun with baseline: true to measure QAT's share; " + Fix(input.Requested, t));
        }

        if (rise < t.HeldOutLossRise) return null;
        var twinAt = twin.Finite().Where(p => p.Step == peak.Step).Select(p => (double?)p.Value).FirstOrDefault();
        var twinText = twinAt is { } b ? $", the BF16 twin {Num(b)}" : "";
        var probeDrop = ProbeDrop(input, start, peak.Step);
        var probeText = double.IsNaN(probeDrop) ? "" : $"; probe accuracy {(probeDrop > 0 ? "down" : "up")} {Num(Math.Abs(probeDrop) * 100)} points since QAT began";
        var highLr = input.Requested?.LearningRate >= t.HighLearningRate;
        if (rise < t.HeldOutLossOverwrite && !highLr)
        {
            return new Finding(DetectorIds.Forgetting, FindingSeverity.Info, "Held-out loss rose in the run and its BF16 twin alike: the fine-tuning, not the format",
                change + twinText + probeText + ": the fine-tuning data differs from the pretraining text and moves the model away from it "
                + "in BF16 too, and QAT loses nothing the twin keeps.", [], [peak.Step], chart,
                "Nothing to fix in the format. To keep more of the pretraining, mix pretraining text into the fine-tuning data or lower the LR.");
        }

        return new Finding(DetectorIds.Forgetting, rise >= 5 * t.HeldOutLossOverwrite ? FindingSeverity.Critical : FindingSeverity.Warning,
            "The run forgets its pretraining, and so does its BF16 twin", change + twinText + probeText
            + ": the fine-tuning itself overwrites the pretraining, whatever the number format.", [], [peak.Step], chart, Fix(input.Requested, t));
    }

    // Probe accuracy (absolute, 0..1) lost between QAT start and the evaluation at `step`; NaN without probes at both.
    private static double ProbeDrop(DiagnosisInput input, int start, int step)
    {
        if (input.Scalar(MetricCatalog.ProbeAccuracy) is not { } probe) return double.NaN;
        var before = probe.Finite().Where(p => p.Step <= start).Select(p => (double)p.Value).LastOrDefault(double.NaN);
        var at = probe.Finite(start + 1).Where(p => p.Step <= step).Select(p => (double)p.Value).DefaultIfEmpty(double.NaN).Min();
        return before - at;
    }

    private static string Fix(RequestedSettings? requested, DiagnosisThresholds t)
    {
        var notes = new List<string>();
        if (requested?.LearningRate is { } lr && lr >= t.HighLearningRate) notes.Add($"the LR {Num(lr)} is high");
        if (requested?.Bf16WarmupSteps == 0) notes.Add("QAT started without a BF16 warmup");
        var why = notes.Count == 0 ? "" : $" ({string.Join(", ", notes)})";
        return $"Warm up in BF16 (bf16WarmupSteps), lower the LR{why}: the OpenPangu study used 500 BF16 steps and 1e-5.";
    }
}
