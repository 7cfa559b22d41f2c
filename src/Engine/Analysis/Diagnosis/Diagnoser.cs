namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>Runs every detector over one run's data: findings critical first, then by detector order.</summary>
public static class Diagnoser
{
    /// <summary>The detectors, in the order their findings are listed within a severity.</summary>
    public static IReadOnlyList<Func<DiagnosisInput, DiagnosisThresholds, IEnumerable<Finding>>> Detectors { get; } =
    [
        NonFiniteOriginDetector.Detect,
        DivergenceDetector.Detect,
        SaturationDetector.Detect,
        ForgettingDetector.Detect,
        OutlierDetector.Detect,
        OutlierGrowthDetector.Detect,
        UnderflowDetector.Detect,
        ConfigMismatchDetector.Detect,
    ];

    /// <summary>All findings for <paramref name="input"/> (empty for a healthy run).</summary>
    public static IReadOnlyList<Finding> Run(DiagnosisInput input, DiagnosisThresholds? thresholds = null)
    {
        var t = thresholds ?? DiagnosisThresholds.Default;
        return Detectors.SelectMany((d, i) => d(input, t).Select(f => (f, i)))
            .OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f).ToArray();
    }
}
