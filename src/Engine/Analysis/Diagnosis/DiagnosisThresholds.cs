namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Every threshold the detectors use, with the defaults QuantScope ships (immutable; override with <c>with</c>).
/// Fractions are 0..1; steps are training steps.
/// </summary>
public sealed record DiagnosisThresholds
{
    /// <summary>Saturation: a layer is flagged when amax &gt; amaxPred on at least this fraction of its QAT steps.</summary>
    public double SaturationRateWarning { get; init; } = 0.05;
    /// <summary>Saturation: critical at or above this fraction in the worst layer.</summary>
    public double SaturationRateCritical { get; init; } = 0.25;
    /// <summary>Saturation: and at least this many events in that layer (short runs need more than one).</summary>
    public int MinSaturationEvents { get; init; } = 3;
    /// <summary>
    /// Saturation by impact: a peak clipped share (overflow fraction of the flagged layers' elements) at or below this
    /// is negligible (1e-4 = 0.01 %: one element in 10,000 cannot move the loss of a model trained with noise far
    /// larger); with no measurable loss impact either, the finding is Info ("the delayed scale lags"), not a warning.
    /// </summary>
    public double NegligibleClippedFraction { get; init; } = 1e-4;
    /// <summary>
    /// Saturation by impact: a mean loss APE against the BF16 twin over the QAT steps at or above this (percent, 0.5 =
    /// 0.5 %, the OpenPangu study's bar for near-lossless is 0.11 %) is a loss impact: saturation with it can be Critical.
    /// </summary>
    public double LossImpactApePct { get; init; } = 0.5;
    /// <summary>
    /// Saturation at QAT start: the first this many QAT steps are the early window. A history that starts empty saturates
    /// there (about 1/(k+1) of layers at step k for amax values varying at random: 13 % of the first 20 steps); flagged at
    /// twice <see cref="SaturationRateWarning"/> or more and at least twice the rate of the rest of QAT.
    /// </summary>
    public int EarlyQatSteps { get; init; } = 20;
    /// <summary>Saturation: the history length the fix recommends and the replay predicts with (max algorithm).</summary>
    public int RecommendedHistoryLength { get; init; } = 64;

    /// <summary>Forgetting: held-out loss above the twin's by at least this fraction of the twin's (0.05 = 5 %).</summary>
    public double HeldOutLossGap { get; init; } = 0.05;
    /// <summary>Forgetting: probe accuracy below the twin's by at least this much (absolute, 0.05 = 5 points).</summary>
    public double ProbeAccuracyDrop { get; init; } = 0.05;
    /// <summary>Forgetting: held-out loss risen since QAT began by at least this fraction, in the run and its twin alike
    /// (0.2 = 20 %): the fine-tuning drifts away from the pretraining whatever the format, an Info (QAT loses nothing the
    /// twin keeps).</summary>
    public double HeldOutLossRise { get; init; } = 0.2;
    /// <summary>
    /// Forgetting: a rise shared with the twin of at least this fraction (1.0 = the held-out loss doubled) means the
    /// training overwrites its pretraining (the demo's LR 1e-3: +688 %; LR 3e-5 on its new-domain text: +52 %): a Warning
    /// about the LR and warmup, Critical at 5 times this. Below it, a shared rise is an Info unless the LR is at least
    /// <see cref="HighLearningRate"/> (then the LR is the cause, and the Warning says so).
    /// </summary>
    public double HeldOutLossOverwrite { get; init; } = 1.0;
    /// <summary>Forgetting: "early" = within this fraction of the QAT steps.</summary>
    public double EarlyQatFraction { get; init; } = 0.5;
    /// <summary>Forgetting: a peak LR at or above this is called high (10× the OpenPangu study's 1e-5).</summary>
    public double HighLearningRate { get; init; } = 1e-4;

    /// <summary>Outliers: a layer dominates when its mean is at least this multiple of the median of the other layers.</summary>
    public double DominanceRatio { get; init; } = 4.0;
    /// <summary>Outliers: and (for kurtosis) at least this value (3 = normal).</summary>
    public double MinKurtosis { get; init; } = 10.0;
    /// <summary>Outliers: at least this many layers must have the metric to speak of dominance.</summary>
    public int MinLayers { get; init; } = 3;

    /// <summary>Underflow: gradients flushed to zero in at least this fraction (mean over QAT steps).</summary>
    public double GradUnderflowFraction { get; init; } = 0.05;
    /// <summary>Underflow: inputs or weights flushed to zero in at least this fraction.</summary>
    public double ActivationUnderflowFraction { get; init; } = 0.10;
    /// <summary>Underflow: critical at or above this fraction.</summary>
    public double UnderflowCritical { get; init; } = 0.5;

    /// <summary>Divergence: the trailing window the loss z-score uses, steps.</summary>
    public int SpikeWindow { get; init; } = 20;
    /// <summary>Divergence: finite losses the window must hold before a z-score is taken.</summary>
    public int SpikeMinHistory { get; init; } = 10;
    /// <summary>Divergence: a spike has z = (loss - window mean) / window std at least this.</summary>
    public double SpikeZScore { get; init; } = 6.0;
    /// <summary>Divergence: and is at least this fraction above the window mean (ignores noise on a flat loss).</summary>
    public double SpikeMinRelativeJump { get; init; } = 0.10;
    /// <summary>Divergence: critical from this many spikes on.</summary>
    public int SpikeCriticalCount { get; init; } = 3;

    /// <summary>Early warning: the trailing window of logged steps whose FC2-input kurtosis and channel ratio are tested for a rising trend.</summary>
    public int TrendWindow { get; init; } = 20;
    /// <summary>Early warning: finite values the window must hold before a trend is judged.</summary>
    public int TrendMinPoints { get; init; } = 8;
    /// <summary>Early warning: the Mann-Kendall Z the window must reach (2.33 = a rising trend at one-sided p &lt; 0.01).</summary>
    public double TrendZScore { get; init; } = 2.33;
    /// <summary>
    /// Early warning: and the Theil-Sen line must have grown by at least this fraction of its value at the window's start
    /// over the window (0.5 = +50 %), so that a slow, harmless drift is not flagged.
    /// </summary>
    public double TrendMinGrowth { get; init; } = 0.5;

    /// <summary>How many layers or steps a finding lists.</summary>
    public int MaxListed { get; init; } = 5;

    /// <summary>The defaults.</summary>
    public static DiagnosisThresholds Default { get; } = new();

    /// <summary>What is out of range, each error naming its field as in configuration (empty when valid).</summary>
    public IReadOnlyList<Telemetry.ConfigError> Validate()
    {
        var errors = new List<Telemetry.ConfigError>();
        void Fraction(string name, double v, bool allowOne = true)
        {
            if (!double.IsFinite(v) || v <= 0 || v > 1 || (!allowOne && v >= 1))
                errors.Add(new(name, $"must be a fraction in (0, {(allowOne ? "1]" : "1)")}, was {v}"));
        }

        void Positive(string name, double v)
        {
            if (!double.IsFinite(v) || v <= 0) errors.Add(new(name, $"must be a positive number, was {v}"));
        }

        void AtLeast(string name, int v, int min)
        {
            if (v < min) errors.Add(new(name, $"must be at least {min}, was {v}"));
        }

        Fraction(nameof(SaturationRateWarning), SaturationRateWarning);
        Fraction(nameof(SaturationRateCritical), SaturationRateCritical);
        if (SaturationRateCritical < SaturationRateWarning)
            errors.Add(new(nameof(SaturationRateCritical), $"must not be below {nameof(SaturationRateWarning)} ({SaturationRateWarning})"));
        AtLeast(nameof(MinSaturationEvents), MinSaturationEvents, 1);
        AtLeast(nameof(RecommendedHistoryLength), RecommendedHistoryLength, 1);
        AtLeast(nameof(EarlyQatSteps), EarlyQatSteps, 2);
        Fraction(nameof(NegligibleClippedFraction), NegligibleClippedFraction);
        Positive(nameof(LossImpactApePct), LossImpactApePct);
        Positive(nameof(HeldOutLossGap), HeldOutLossGap);
        Fraction(nameof(ProbeAccuracyDrop), ProbeAccuracyDrop);
        Positive(nameof(HeldOutLossRise), HeldOutLossRise);
        Positive(nameof(HeldOutLossOverwrite), HeldOutLossOverwrite);
        if (HeldOutLossOverwrite < HeldOutLossRise)
            errors.Add(new(nameof(HeldOutLossOverwrite), $"must not be below {nameof(HeldOutLossRise)} ({HeldOutLossRise})"));
        Fraction(nameof(EarlyQatFraction), EarlyQatFraction);
        Positive(nameof(HighLearningRate), HighLearningRate);
        Positive(nameof(DominanceRatio), DominanceRatio);
        Positive(nameof(MinKurtosis), MinKurtosis);
        AtLeast(nameof(MinLayers), MinLayers, 2);
        Fraction(nameof(GradUnderflowFraction), GradUnderflowFraction);
        Fraction(nameof(ActivationUnderflowFraction), ActivationUnderflowFraction);
        Fraction(nameof(UnderflowCritical), UnderflowCritical);
        AtLeast(nameof(SpikeWindow), SpikeWindow, 2);
        AtLeast(nameof(SpikeMinHistory), SpikeMinHistory, 2);
        if (SpikeMinHistory > SpikeWindow) errors.Add(new(nameof(SpikeMinHistory), $"must not exceed {nameof(SpikeWindow)} ({SpikeWindow})"));
        Positive(nameof(SpikeZScore), SpikeZScore);
        Positive(nameof(SpikeMinRelativeJump), SpikeMinRelativeJump);
        AtLeast(nameof(SpikeCriticalCount), SpikeCriticalCount, 1);
        AtLeast(nameof(TrendWindow), TrendWindow, 3);
        AtLeast(nameof(TrendMinPoints), TrendMinPoints, 3);
        if (TrendMinPoints > TrendWindow) errors.Add(new(nameof(TrendMinPoints), $"must not exceed {nameof(TrendWindow)} ({TrendWindow})"));
        Positive(nameof(TrendZScore), TrendZScore);
        Positive(nameof(TrendMinGrowth), TrendMinGrowth);
        AtLeast(nameof(MaxListed), MaxListed, 1);
        return errors;
    }
}
