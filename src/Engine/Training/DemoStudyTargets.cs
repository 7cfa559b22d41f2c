using System.Globalization;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// The demo study's targets (issue 22), judged from its own runs: the whole study under 10 minutes; the fixed recipe
/// near-lossless (loss APE against its twin &lt; 0.5 %, every task drop &lt; 1 %, no Warning or Critical finding); each
/// failure arm visibly worse than the fixed recipe on its own axis and named by the diagnosis.
/// </summary>
public static class DemoStudyTargets
{
    /// <summary>The whole study's wall-time bar, seconds.</summary>
    public const double WallSecondsLimit = 600;
    /// <summary>The fixed recipe's mean loss APE bar, percent.</summary>
    public const double FixedApePct = 0.5;
    /// <summary>The fixed recipe's relative task-drop bar, percent.</summary>
    public const double FixedDropPct = 1.0;
    /// <summary>"Visibly worse": at least this multiple of the fixed recipe's figure.</summary>
    public const double WorseFactor = 2.0;
    /// <summary>QAT steps counted as "at QAT start" for the no-warmup arm (the default of <see cref="DiagnosisThresholds.EarlyQatSteps"/>).</summary>
    public const int EarlySteps = 20;
    /// <summary>What <see cref="StudyTarget.Measured"/> reads when the runs do not have the figure (a NaN), e.g. no twin, so no APE.</summary>
    public const string NotMeasured = "–";

    /// <summary>Every target, in arm order; arms missing from <paramref name="arms"/> are skipped.</summary>
    public static IReadOnlyList<StudyTarget> Evaluate(IReadOnlyList<StudyArmResult> arms, double wallSeconds, DiagnosisThresholds? thresholds = null)
    {
        var t = thresholds ?? DiagnosisThresholds.Default;
        var targets = new List<StudyTarget> { new("study", "wall time, s", F(wallSeconds, "F0"), $"< {WallSecondsLimit:F0}", wallSeconds < WallSecondsLimit) };
        var by = arms.ToDictionary(a => a.Key, StringComparer.Ordinal);
        if (!by.TryGetValue(DemoStudy.Fixed, out var fix)) return targets;

        var ape = fix.Summary.LossApe?.MeanPct ?? double.NaN;
        targets.Add(new(DemoStudy.Fixed, "loss APE vs twin, %", F(ape, "F3"), $"< {FixedApePct}", ape < FixedApePct));
        foreach (var task in fix.Summary.Tasks)
        {
            var drop = task.RelativeDropPct ?? double.NaN;
            var se = task.RelativeDropStdErrPct is { } e ? $" ± {F(e, "F2")}" : "";
            var flips = task.TwinOnly is { } lost && task.RunOnly is { } gained ? $"; {lost} lost, {gained} gained" : "";
            targets.Add(new(DemoStudy.Fixed, $"task drop {task.Name}, % ({task.Items} items{flips})", F(drop, "F2") + se, $"< {FixedDropPct}", drop < FixedDropPct));
        }

        var loud = fix.Findings.Where(f => f.Severity >= FindingSeverity.Warning).Select(f => $"{f.Severity}: {f.Title}").ToArray();
        targets.Add(new(DemoStudy.Fixed, "findings above Info", loud.Length == 0 ? "none" : string.Join("; ", loud), "none", loud.Length == 0));

        if (by.TryGetValue(DemoStudy.MostRecent, out var recent))
        {
            var (r, f) = (recent.Summary.Saturation?.StepRate ?? 0, fix.Summary.Saturation?.StepRate ?? 0);
            targets.Add(new(DemoStudy.MostRecent, "saturation rate (amax > amaxPred), %", $"{F(r * 100, "F2")} vs fixed {F(f * 100, "F2")}",
                $">= {WorseFactor}x fixed and >= {F(t.SaturationRateWarning * 100, "F0")}", r >= WorseFactor * f && r >= t.SaturationRateWarning));
            targets.Add(Named(DemoStudy.MostRecent, recent, FindingSeverity.Info, [DetectorIds.Saturation]));
        }

        if (by.TryGetValue(DemoStudy.HighLr, out var high))
        {
            var (hl, fl) = (high.Summary.Forgetting?.HeldOutLossEnd ?? double.NaN, fix.Summary.Forgetting?.HeldOutLossEnd ?? double.NaN);
            var (hp, fp) = (high.Summary.Forgetting?.ProbeAccuracyEnd ?? double.NaN, fix.Summary.Forgetting?.ProbeAccuracyEnd ?? double.NaN);
            var worse = hl >= fl * (1 + t.HeldOutLossGap) || hp <= fp - t.ProbeAccuracyDrop;
            targets.Add(new(DemoStudy.HighLr, "held-out loss / probe accuracy at the end",
                $"{F(hl, "F3")} / {F(hp * 100, "F1")} % vs fixed {F(fl, "F3")} / {F(fp * 100, "F1")} %",
                $"loss +{F(t.HeldOutLossGap * 100, "F0")} % or probe -{F(t.ProbeAccuracyDrop * 100, "F0")} points", worse));
            targets.Add(Named(DemoStudy.HighLr, high, FindingSeverity.Warning, [DetectorIds.Forgetting]));
        }

        if (by.TryGetValue(DemoStudy.NoWarmup, out var cold))
        {
            var (cApe, fApe) = (EarlyPeakApe(cold.Input), EarlyPeakApe(fix.Input));
            var (cSat, fSat) = (EarlySaturation(cold.Input), EarlySaturation(fix.Input));
            var worse = cApe >= WorseFactor * fApe || (cSat >= WorseFactor * fSat && cSat > 0);
            targets.Add(new(DemoStudy.NoWarmup, $"first {EarlySteps} QAT steps: peak loss APE % / saturation rate %",
                $"{F(cApe, "F2")} / {F(cSat * 100, "F2")} vs fixed {F(fApe, "F2")} / {F(fSat * 100, "F2")}", $"either >= {WorseFactor}x fixed", worse));
            targets.Add(Named(DemoStudy.NoWarmup, cold, FindingSeverity.Info, [DetectorIds.Divergence, DetectorIds.Saturation],
                f => f.Title.Contains("at QAT start", StringComparison.Ordinal))); // its own finding, when there is one
        }

        return targets;
    }

    /// <summary>Peak per-step loss APE against the twin (percent) over the first <see cref="EarlySteps"/> QAT steps; NaN without a twin.</summary>
    public static double EarlyPeakApe(DiagnosisInput input)
    {
        if (input.Scalar(MetricCatalog.Loss) is not { } loss || input.Scalar(MetricCatalog.BaselineLoss) is not { } twin) return double.NaN;
        var start = input.QatStart();
        var twinAt = twin.Finite().ToDictionary(p => p.Step, p => (double)p.Value);
        var apes = loss.Finite(start).TakeWhile(p => p.Step < start + EarlySteps)
            .Where(p => twinAt.TryGetValue(p.Step, out var b) && b > 0).Select(p => Math.Abs(p.Value - twinAt[p.Step]) / twinAt[p.Step] * 100).ToArray();
        return apes.Length == 0 ? double.NaN : apes.Max();
    }

    /// <summary>Share (0..1) of (layer, step) input pairs with a saturation event over the first <see cref="EarlySteps"/> QAT steps.</summary>
    public static double EarlySaturation(DiagnosisInput input)
    {
        if (input.Layer(MetricCatalog.SaturationEvent, TensorRoles.Input) is not { } events) return 0;
        var start = input.QatStart();
        long pairs = 0, hits = 0;
        for (var k = 0; k < events.Steps.Length; k++)
        {
            if (events.Steps[k] < start || events.Steps[k] >= start + EarlySteps) continue;
            foreach (var v in events.Values[k].Where(float.IsFinite))
            {
                pairs++;
                if (v > 0) hits++;
            }
        }

        return pairs == 0 ? 0 : (double)hits / pairs;
    }

    private static StudyTarget Named(string arm, StudyArmResult result, FindingSeverity atLeast, string[] detectors, Func<Finding, bool>? shown = null)
    {
        var hits = result.Findings.Where(f => detectors.Contains(f.Detector) && f.Severity >= atLeast).ToArray();
        var hit = hits.FirstOrDefault(f => shown?.Invoke(f) == true) ?? hits.FirstOrDefault();
        var all = result.Findings.Count == 0 ? "no findings" : string.Join("; ", result.Findings.Select(f => $"{f.Severity} {f.Detector}"));
        return new(arm, "named by the diagnosis", hit is null ? all : $"{hit.Severity}: {hit.Title}",
            $"{string.Join(" or ", detectors)} at {atLeast} or above", hit is not null);
    }

    private static string F(double v, string format) => double.IsNaN(v) ? NotMeasured : v.ToString(format, CultureInfo.InvariantCulture);
}
