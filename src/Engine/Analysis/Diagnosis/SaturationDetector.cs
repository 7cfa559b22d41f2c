using QuantScope.Engine.Analysis.Replay;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Amax saturation under delayed scaling: per tensor role, the layers whose amax exceeded amaxPred on at least
/// <see cref="DiagnosisThresholds.SaturationRateWarning"/> of their QAT steps. The fix is chosen from the run's own
/// settings, and the worst layer is replayed under max over <see cref="DiagnosisThresholds.RecommendedHistoryLength"/>
/// steps to predict what the fix buys. Severity follows the impact (<see cref="SaturationImpact"/>): a lagging scale
/// that clips a negligible share and costs no loss against the twin is Info.
/// </summary>
public static class SaturationDetector
{
    /// <summary>Per tensor role, at most one finding of saturation over QAT and one of saturation at QAT start (<see cref="ColdStartSaturation"/>).</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var start = input.QatStart();
        foreach (var role in TensorRoles.All)
        {
            if (input.Layer(MetricCatalog.SaturationEvent, role) is not { } events) continue;
            var stats = Enumerable.Range(0, input.Layers.Count).Select(l => Count(events, l, start)).ToArray();
            var flagged = Enumerable.Range(0, stats.Length)
                .Where(l => stats[l].Measured > 0 && stats[l].Events >= t.MinSaturationEvents && stats[l].Rate >= t.SaturationRateWarning)
                .OrderByDescending(l => stats[l].Rate).ToArray();
            var cold = ColdStartSaturation.Detect(input, role, start, t); // the first QAT steps, judged on their own
            if (flagged.Length == 0)
            {
                if (cold is not null) yield return cold;
                continue;
            }

            var worst = flagged[0];
            var name = input.Layers[worst];
            var total = stats.Sum(s => s.Events) / (double)Math.Max(1, stats.Sum(s => s.Measured));
            var evidence = $"{flagged.Length} of {input.Layers.Count} layers' {role} saturated (amax > amaxPred) on at least "
                + $"{Pct(t.SaturationRateWarning)} of QAT steps; worst {name}: {stats[worst].Events} of {stats[worst].Measured} steps "
                + $"({Pct(stats[worst].Rate)}); all layers {Pct(total)}.";
            if (input.Layer(MetricCatalog.OverflowFraction, role) is { } overflow)
                evidence += $" Peak overflow fraction in {name}: {Pct(overflow.Column(worst).Where(float.IsFinite).DefaultIfEmpty(0).Max())} of elements clipped.";
            var impact = SaturationImpact.Of(input, role, flagged, start, t);
            evidence += " " + impact.Describe();

            var own = input.OwnSettings(name, role);
            if (own is not null) evidence += $" Settings: {own}.";
            var replayed = Predict(input, role, worst, own, start, t);
            if (replayed is { } r) evidence += $" Replay of {name} with max/H={t.RecommendedHistoryLength}: {Pct(r.SaturationRate)} ({r.Events} of {r.Measured} steps).";

            yield return new Finding(
                DetectorIds.Saturation,
                impact.Severity(stats[worst].Rate >= t.SaturationRateCritical),
                impact.Negligible ? $"{role}: the delayed scale lags in {flagged.Length} layer(s), with no loss impact" : $"{role} amax outruns its delayed scale in {flagged.Length} layer(s)",
                evidence,
                flagged.Take(t.MaxListed).Select(l => input.Layers[l]).ToArray(),
                TopSteps(events, flagged, start, t.MaxListed),
                new ChartHint(MetricCatalog.SaturationEvent, role, name),
                Fix(own, replayed, t));
            if (cold is not null) yield return cold;
        }
    }

    private static (int Events, int Measured, double Rate) Count(LayerSeries events, int layer, int start)
    {
        int e = 0, n = 0;
        for (var k = 0; k < events.Steps.Length; k++)
        {
            var v = events.At(k, layer);
            if (events.Steps[k] < start || float.IsNaN(v)) continue;
            n++;
            if (v >= 0.5f) e++;
        }

        return (e, n, n == 0 ? 0 : (double)e / n);
    }

    private static ReplayResult? Predict(DiagnosisInput input, string role, int layer, ReplaySettings? own, int start, DiagnosisThresholds t)
    {
        if (input.Layer(MetricCatalog.Amax, role) is not { } amax) return null;
        var settings = (own ?? new ReplaySettings()) with { Algorithm = AmaxAlgorithm.Max, HistoryLength = t.RecommendedHistoryLength };
        var result = DtsReplay.Run(amax.Steps, amax.Column(layer), settings, start);
        return result.Measured == 0 ? null : result;
    }

    private static int[] TopSteps(LayerSeries events, int[] layers, int start, int max) =>
        Enumerable.Range(0, events.Steps.Length)
            .Where(k => events.Steps[k] >= start)
            .Select(k => (Step: events.Steps[k], Count: layers.Count(l => events.At(k, l) >= 0.5f)))
            .Where(x => x.Count > 0).OrderByDescending(x => x.Count).ThenBy(x => x.Step)
            .Take(max).Select(x => x.Step).Order().ToArray();

    private static string Fix(ReplaySettings? own, ReplayResult? replayed, DiagnosisThresholds t)
    {
        const string headroom = "add headroom (quant.margin 1), or switch these tensors to current scaling";
        // An amax that grows on (almost) every step outruns any max window: the replay of the longer window says so.
        if (replayed is { } r && r.SaturationRate >= t.SaturationRateWarning)
            return $"A longer window does not help here (max/H={t.RecommendedHistoryLength} still saturates on {Pct(r.SaturationRate)} of steps: "
                + $"the amax grows step after step): {headroom}.";
        var target = $"use max over a longer history (e.g. quant.algorithm \"max\", quant.historyLength {t.RecommendedHistoryLength})";
        if (own is null) return $"If this is delayed scaling with a short or most_recent window: {target}; otherwise add a margin of 1.";
        if (own.Algorithm != AmaxAlgorithm.Max || own.HistoryLength < t.RecommendedHistoryLength)
            return $"The window ({own}) forgets spikes too soon: {target}.";
        return $"The window is already long: {headroom}.";
    }
}
