using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Analysis.Replay;

/// <summary>
/// The delayed-scaling settings a replay recomputes one tensor's scaling under (immutable; the managed mirror of
/// <see cref="DelayedScalingRecipe"/> plus the format's scaling target).
/// </summary>
public sealed record ReplaySettings
{
    /// <summary>Amax history length H, steps (at least 1).</summary>
    public int HistoryLength { get; init; } = 16;

    /// <summary>How amaxPred is taken from the history.</summary>
    public AmaxAlgorithm Algorithm { get; init; } = AmaxAlgorithm.Max;

    /// <summary>Extra headroom in powers of two: scale = target / amaxPred / 2^margin.</summary>
    public int Margin { get; init; }

    /// <summary>Recompute amaxPred and the scale every N history updates (1 = every step), as <see cref="DelayedScalingRecipe.UpdatePeriod"/>.</summary>
    public int UpdatePeriod { get; init; } = 1;

    /// <summary>The value amaxPred is scaled to: 448 for E4M3 (the default), 57344 for E5M2, 15 for HiF8 (see <see cref="ScaleMath.TargetMax"/>).</summary>
    public double TargetMax { get; init; } = 448.0;

    /// <summary>Short text, e.g. <c>max/H=64</c>, as the replay tables show it.</summary>
    public override string ToString() =>
        $"{RecipeText.AlgorithmName(Algorithm)}/H={HistoryLength}" + (Margin == 0 ? "" : $",margin={Margin}") + (UpdatePeriod == 1 ? "" : $",period={UpdatePeriod}");

    /// <summary>The first invalid field and why, or null when the settings are usable.</summary>
    public Telemetry.ConfigError? Validate()
    {
        if (HistoryLength < 1) return new("historyLength", "must be at least 1");
        if (UpdatePeriod < 1) return new("updatePeriod", "must be at least 1");
        if (Margin is < -64 or > 64) return new("margin", "must be between -64 and 64");
        if (!(TargetMax > 0) || !double.IsFinite(TargetMax)) return new("targetMax", "must be a positive finite number");
        return null;
    }
}
