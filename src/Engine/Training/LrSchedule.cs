namespace QuantScope.Engine.Training;

/// <summary>
/// Learning rate per step: linear warmup to the peak, then cosine decay to <see cref="FloorFraction"/> of the peak at
/// the last step. Pure functions of (step, total steps, peak).
/// </summary>
public static class LrSchedule
{
    /// <summary>The decay ends at this fraction of the peak (nanoGPT's min_lr = lr/10), so late steps still learn.</summary>
    public const double FloorFraction = 0.1;

    /// <summary>Warmup length, steps: 10 % of the run, at least 1 and at most 100 (short runs still warm up).</summary>
    public static int WarmupSteps(int totalSteps) => Math.Clamp(totalSteps / 10, 1, 100);

    /// <summary>Learning rate for 0-based <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    /// <param name="step">0-based step.</param>
    /// <param name="totalSteps">Steps in the phase.</param>
    /// <param name="peak">Peak learning rate.</param>
    /// <param name="warmupSteps">Linear warmup length; null = <see cref="WarmupSteps"/>; 0 = start at the peak.</param>
    public static double At(int step, int totalSteps, double peak, int? warmupSteps = null)
    {
        var warmup = warmupSteps ?? WarmupSteps(totalSteps);
        if (step < warmup) return peak * (step + 1) / warmup; // step 0 already trains, with peak / warmup

        var decaySteps = Math.Max(1, totalSteps - 1 - warmup);
        var progress = Math.Clamp((double)(step - warmup) / decaySteps, 0.0, 1.0);
        var cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress)); // 1 -> 0
        var floor = peak * FloorFraction;
        return floor + (peak - floor) * cosine;
    }
}
