using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Saturation at QAT start (part of the <see cref="DetectorIds.Saturation"/> detector): a delayed-scaling history that
/// starts empty predicts from one or two steps, so in the first <see cref="DiagnosisThresholds.EarlyQatSteps"/> QAT steps
/// every batch whose amax is the largest so far saturates (for amax values that vary at random, about 1/(k+1) of layers
/// at step k: 13 % of the first 20 steps), then the window fills and the events die out. Flagged when that early share
/// is at least twice <see cref="DiagnosisThresholds.SaturationRateWarning"/> (10 % at the defaults: the random-record
/// share of a window that starts empty, 13 %, clears it; a calibrated window's, about 2 %, does not), at least twice the
/// rest of QAT's, and at least
/// <see cref="DiagnosisThresholds.MinSaturationEvents"/> events; the severity follows the impact as for saturation.
/// A BF16 warmup that calibrates the histories (<c>quant.calibrateInWarmup</c>) starts them full and removes it.
/// </summary>
internal static class ColdStartSaturation
{
    /// <summary>Zero or one finding for <paramref name="role"/>.</summary>
    public static Finding? Detect(DiagnosisInput input, string role, int start, DiagnosisThresholds t)
    {
        if (input.Layer(MetricCatalog.SaturationEvent, role) is not { } events) return null;
        var end = start + t.EarlyQatSteps;
        var perLayer = new int[input.Layers.Count];
        long earlyPairs = 0, earlyEvents = 0, laterPairs = 0, laterEvents = 0;
        for (var k = 0; k < events.Steps.Length; k++)
        {
            if (events.Steps[k] < start) continue;
            var early = events.Steps[k] < end;
            for (var l = 0; l < perLayer.Length; l++)
            {
                var v = events.At(k, l);
                if (float.IsNaN(v)) continue;
                var hit = v >= 0.5f;
                if (early)
                {
                    earlyPairs++;
                    if (!hit) continue;
                    earlyEvents++;
                    perLayer[l]++;
                }
                else
                {
                    laterPairs++;
                    if (hit) laterEvents++;
                }
            }
        }

        if (earlyPairs == 0 || earlyEvents < t.MinSaturationEvents) return null;
        var earlyRate = (double)earlyEvents / earlyPairs;
        var laterRate = laterPairs == 0 ? 0 : (double)laterEvents / laterPairs;
        if (earlyRate < 2 * t.SaturationRateWarning || earlyRate < 2 * laterRate) return null;

        var layers = Enumerable.Range(0, perLayer.Length).Where(l => perLayer[l] > 0).OrderByDescending(l => perLayer[l]).ToArray();
        var impact = SaturationImpact.Of(input, role, layers, start, t);
        var cold = input.Requested?.Bf16WarmupSteps == 0 ? $"QAT started at step {start} without a BF16 warmup:" : "At QAT start:";
        var evidence = $"{cold} {Pct(earlyRate)} of (layer, step) pairs of the {role} saturated (amax > amaxPred) in the first "
            + $"{t.EarlyQatSteps} QAT steps (steps {start}-{end - 1}), against {Pct(laterRate)} afterwards, in {layers.Length} of "
            + $"{input.Layers.Count} layers: the pattern of amax histories that start empty. " + impact.Describe();
        const string fix = "Warm up in BF16 and calibrate the histories there (bf16WarmupSteps, quant.calibrateInWarmup: true: the "
            + "input, weight and gradient histories), so the first quantized steps scale from a full window.";
        return new Finding(DetectorIds.Saturation, impact.Severity(highRate: false),
            $"{role}: saturation at QAT start (empty amax histories)", evidence,
            layers.Take(t.MaxListed).Select(l => input.Layers[l]).ToArray(),
            Enumerable.Range(start, Math.Min(t.MaxListed, t.EarlyQatSteps)).ToArray(),
            new ChartHint(MetricCatalog.SaturationEvent, role, layers.Length > 0 ? input.Layers[layers[0]] : null), fix);
    }
}
