namespace QuantScope.Engine.Training;

/// <summary>
/// Absolute percentage error of a quantized run's training loss against its high-precision twin, as the OpenPangu HiF8
/// study reports it: per step APE = |L_q - L_bf16| / L_bf16 x 100, then the mean over all steps and over the last K.
/// </summary>
public static class LossApe
{
    /// <summary>APE of one step, percent.</summary>
    public static double At(double quantLoss, double baselineLoss) => Math.Abs(quantLoss - baselineLoss) / Math.Abs(baselineLoss) * 100.0;

    /// <summary>Mean APE (percent) over all steps and over the last <paramref name="lastSteps"/> (all when shorter).</summary>
    /// <exception cref="ArgumentException">The series differ in length or are empty.</exception>
    public static (double MeanPct, double LastPct) Summarise(IReadOnlyList<double> quant, IReadOnlyList<double> baseline, int lastSteps)
    {
        if (quant.Count != baseline.Count || quant.Count == 0)
            throw new ArgumentException("The loss series must be non-empty and of equal length.", nameof(baseline));
        var apes = quant.Select((q, i) => At(q, baseline[i])).ToArray();
        return (apes.Average(), apes.Skip(Math.Max(0, apes.Length - lastSteps)).Average());
    }
}
