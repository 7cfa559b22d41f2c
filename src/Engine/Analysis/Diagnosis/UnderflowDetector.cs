using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Underflow: per role, the layers whose mean underflowFraction over QAT steps (nonzero elements that quantized to
/// zero) is at least <see cref="DiagnosisThresholds.GradUnderflowFraction"/> for gradients or
/// <see cref="DiagnosisThresholds.ActivationUnderflowFraction"/> for inputs and weights.
/// </summary>
public static class UnderflowDetector
{
    /// <summary>At most one finding per role.</summary>
    public static IEnumerable<Finding> Detect(DiagnosisInput input, DiagnosisThresholds t)
    {
        var start = input.QatStart();
        foreach (var role in TensorRoles.All)
        {
            if (input.Layer(MetricCatalog.UnderflowFraction, role) is not { } series) continue;
            var threshold = role == TensorRoles.GradOutput ? t.GradUnderflowFraction : t.ActivationUnderflowFraction;
            var flagged = Enumerable.Range(0, input.Layers.Count).Select(l => (Layer: l, Mean: series.Mean(l, start)))
                .Where(x => x.Mean >= threshold).OrderByDescending(x => x.Mean).ToArray();
            if (flagged.Length == 0) continue;
            var worst = flagged[0];
            var what = role == TensorRoles.GradOutput ? "gradients" : role == TensorRoles.Input ? "small activations" : "small weights";
            var evidence = $"{flagged.Length} of {input.Layers.Count} layers flush at least {Pct(threshold)} of their {role} elements to zero "
                + $"(mean over QAT steps); worst {input.Layers[worst.Layer]}: {Pct(worst.Mean)}.";
            var fix = role == TensorRoles.GradOutput
                ? "Gradients need range, not precision: use e5m2 for the grad role, current scaling for it, or a lower margin."
                : "Lower the margin, use a per-block format (mxfp8-e4m3) whose scales follow small blocks, or keep these layers' " + role + " in BF16.";
            yield return new Finding(DetectorIds.Underflow, worst.Mean >= t.UnderflowCritical ? FindingSeverity.Critical : FindingSeverity.Warning,
                $"Underflow of {what} in {flagged.Length} layer(s)", evidence,
                flagged.Take(t.MaxListed).Select(x => input.Layers[x.Layer]).ToArray(), [],
                new ChartHint(MetricCatalog.UnderflowFraction, role, input.Layers[worst.Layer]), fix);
        }
    }
}
