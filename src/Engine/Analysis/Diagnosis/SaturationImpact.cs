using QuantScope.Engine.Telemetry;
using static QuantScope.Engine.Analysis.Diagnosis.DiagnosisText;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// What saturation did to a run: the largest share of elements clipped in the flagged layers (null when overflow was
/// not recorded) and the mean loss APE against the BF16 twin over the QAT steps (null without a twin). Severity follows
/// it: negligible clipping with no loss impact is Info; Critical needs a high saturation rate and clipping that is not
/// negligible or a loss impact; anything between is a Warning. Unmeasured impact never lowers the severity.
/// </summary>
internal sealed record SaturationImpact(double? PeakClipped, double? MeanApePct, DiagnosisThresholds Thresholds)
{
    /// <summary>Clipping measured and negligible, and no loss impact measured.</summary>
    public bool Negligible => PeakClipped is { } c && c <= Thresholds.NegligibleClippedFraction && LossImpact != true;

    /// <summary>True / false when a twin measured it; null without one.</summary>
    public bool? LossImpact => MeanApePct is { } ape ? ape >= Thresholds.LossImpactApePct : null;

    public static SaturationImpact Of(DiagnosisInput input, string role, IReadOnlyList<int> flagged, int qatStart, DiagnosisThresholds t)
    {
        double? clipped = input.Layer(MetricCatalog.OverflowFraction, role) is { } overflow
            ? flagged.SelectMany(l => overflow.Column(l).Where(float.IsFinite)).Select(v => (double)v).DefaultIfEmpty(0).Max()
            : null;
        var ape = input.Scalar(MetricCatalog.LossApe)?.Finite(qatStart).Select(p => (double)p.Value).ToArray();
        return new SaturationImpact(clipped, ape is { Length: > 0 } ? ape.Average() : null, t);
    }

    /// <summary>
    /// Info when negligible; with a twin, Critical only when it shows a loss impact at the critical rate (clipping the
    /// twin shows to cost nothing is a Warning); without one, Critical at the critical rate unless the clipping is
    /// known to be negligible. <paramref name="highRate"/> = the worst layer saturates at the critical rate.
    /// </summary>
    public FindingSeverity Severity(bool highRate) => (Negligible, LossImpact) switch
    {
        (true, _) => FindingSeverity.Info,
        (_, true) => highRate ? FindingSeverity.Critical : FindingSeverity.Warning,
        (_, false) => FindingSeverity.Warning,
        _ => highRate ? FindingSeverity.Critical : FindingSeverity.Warning,
    };

    /// <summary>One sentence of evidence: what was clipped, and what it cost against the twin.</summary>
    public string Describe()
    {
        var clipped = PeakClipped is { } c ? $"at most {Pct(c)} of elements clipped" : "clipped share not recorded";
        var loss = MeanApePct is { } ape
            ? LossImpact == true ? $"loss APE against the twin {Num(ape)} % over QAT (at or above {Num(Thresholds.LossImpactApePct)} %: a loss impact)" : $"loss APE against the twin {Num(ape)} % over QAT: no loss impact"
            : "no twin to measure a loss impact";
        return $"Impact: {clipped}; {loss}.";
    }
}
