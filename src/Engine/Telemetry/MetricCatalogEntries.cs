using static QuantScope.Engine.Telemetry.MetricCatalog;

namespace QuantScope.Engine.Telemetry;

/// <summary>The rows of <see cref="MetricCatalog"/>: one line per metric (its meaning is on the name's constant).</summary>
internal static class MetricCatalogEntries
{
    private const string Fraction = "fraction";
    private const string XUnits = "x units";
    private const string NatsPerToken = "nats/token";
    private static readonly string[] AllRoles = [.. TensorRoles.All];
    private static readonly string[] InputRole = [TensorRoles.Input];
    private static readonly string[] WeightRole = [TensorRoles.Weight];

    // Order matters: the pickers offer the metrics marked offered in this order (the heatmap picker's first is the default).
    public static IReadOnlyList<MetricInfo> All { get; } =
    [
        Step(Loss, NatsPerToken, "loss (nats/token)", BetterDirection.Lower, offered: true),
        Step(BaselineLoss, NatsPerToken, "BF16 twin loss (nats/token)", BetterDirection.Lower, offered: true),
        Step(LossApe, "%", "loss APE against the twin (%)", BetterDirection.Lower, offered: true),
        Step(HeldOutLoss, NatsPerToken, "held-out pretraining loss (nats/token)", BetterDirection.Lower, offered: true),
        Step(ProbeAccuracy, Fraction, "probe accuracy (0–1)", BetterDirection.Higher, offered: true),
        Step(LearningRate, "learning rate", "learning rate", BetterDirection.Neither, offered: true),
        Step(StepMillis, "ms", "step time (ms)", BetterDirection.Lower, offered: true),
        Step(Tokens, "tokens", "tokens seen", BetterDirection.Neither),
        Step(PretrainLoss, NatsPerToken, "pretraining loss (nats/token)", BetterDirection.Lower),
        Step(BaselineHeldOutLoss, NatsPerToken, "BF16 twin held-out pretraining loss (nats/token)", BetterDirection.Lower),
        Step(BaselineProbeAccuracy, Fraction, "BF16 twin probe accuracy (0–1)", BetterDirection.Higher),
        Step(TextLoss, NatsPerToken, "held-out text loss (nats/token)", BetterDirection.Lower),
        Step(BaselineTextLoss, NatsPerToken, "BF16 twin held-out text loss (nats/token)", BetterDirection.Lower),
        Step(Perplexity, "perplexity", "held-out text perplexity", BetterDirection.Lower),
        Step(BaselinePerplexity, "perplexity", "BF16 twin held-out text perplexity", BetterDirection.Lower),

        Layer(OverflowFraction, Fraction, "overflow fraction (0–1, share of elements clipped)", AllRoles, BetterDirection.Lower, offered: true),
        Layer(SaturationEvent, "0 or 1", "saturation event (1 = amax above amaxPred)", AllRoles, BetterDirection.Lower, offered: true),
        Layer(UnderflowFraction, Fraction, "underflow fraction (0–1, nonzeros flushed to 0)", AllRoles, BetterDirection.Lower, offered: true),
        Layer(SqnrDb, "dB", "SQNR (dB)", AllRoles, BetterDirection.Higher, offered: true),
        Layer(AmaxRatio, "amax / amaxPred", "amax / amaxPred (ratio)", AllRoles, BetterDirection.Lower, offered: true),
        Layer(Kurtosis, "kurtosis (3 = normal)", "kurtosis (3 = normal)", InputRole, BetterDirection.Lower, offered: true),
        Layer(Amax, XUnits, "amax (x units)", AllRoles, BetterDirection.Neither),
        Layer(AmaxPred, XUnits, "amaxPred (x units)", AllRoles, BetterDirection.Neither),
        Layer(Scale, "scale factor", "scale (format max / amaxPred)", AllRoles, BetterDirection.Neither),
        Layer(SaturationRate, Fraction, "saturation rate (0–1, last 16 logged steps)", AllRoles, BetterDirection.Lower),
        Layer(Mse, "x² units", "MSE (x² units)", AllRoles, BetterDirection.Lower),
        Layer(Hif8Tier3Bit, Fraction, "HiF8 3-bit-mantissa tier (0–1)", AllRoles, BetterDirection.Neither),
        Layer(Hif8Tier2Bit, Fraction, "HiF8 2-bit-mantissa tier (0–1)", AllRoles, BetterDirection.Neither),
        Layer(Hif8Tier1Bit, Fraction, "HiF8 1-bit-mantissa tier (0–1)", AllRoles, BetterDirection.Neither),
        Layer(Hif8Tier0Bit, Fraction, "HiF8 0-bit-mantissa tier (0–1)", AllRoles, BetterDirection.Neither),
        Layer(ChannelRatio, "max / median channel absmax", "channel ratio (max / median channel absmax)", InputRole, BetterDirection.Lower),
        Layer(ErrorWeightOnly, "relative error", "output error, weight quantized only", InputRole, BetterDirection.Lower),
        Layer(ErrorInputOnly, "relative error", "output error, input quantized only", InputRole, BetterDirection.Lower),
        Layer(ErrorBoth, "relative error", "output error, both quantized", InputRole, BetterDirection.Lower),
        Layer(WeightNorm, "Frobenius norm", "weight norm (Frobenius)", WeightRole, BetterDirection.Neither),
        Layer(GradNorm, "Frobenius norm", "gradient norm (Frobenius, before clipping)", WeightRole, BetterDirection.Neither),
        Layer(DynamicRange, "binades", "dynamic range (log2 amax - log2 min nonzero, binades)", AllRoles, BetterDirection.Lower),
        Layer(ScaleInvMin, "scale_inv", "smallest block scale_inv", AllRoles, BetterDirection.Neither),
        Layer(ScaleInvMax, "scale_inv", "largest block scale_inv", AllRoles, BetterDirection.Neither),
        Layer(ScaleStd, "scale_inv", "std of block scale_inv", AllRoles, BetterDirection.Neither),
        Layer(BlocksAtScaleLimit, Fraction, "blocks at the scale format's limit (0–1)", AllRoles, BetterDirection.Lower),
        Layer(BlockUnderflow, Fraction, "blocks mostly flushed to zero (0–1)", AllRoles, BetterDirection.Lower),
        Layer(MaxBlockwiseDynamicRange, "binades", "largest block dynamic range (binades, imported)", AllRoles, BetterDirection.Lower),
    ];

    /// <summary>Task accuracies, <c>task.NAME.acc</c> and <c>.acc_norm</c> (the twin's start with <c>baseline_</c>).</summary>
    public static MetricInfo TaskAccuracy { get; } =
        Step(MetricCatalog.TaskAccuracy("NAME"), Fraction, "task accuracy (0–1)", BetterDirection.Higher);

    /// <summary>A task's discordant items against the twin, <c>task.NAME.twin_only</c> and <c>.run_only</c>: counts of items.</summary>
    public static MetricInfo TaskDiscordant { get; } =
        Step(MetricCatalog.TaskDiscordant("NAME", twinOnly: true), "items", "task items right for only one of run and twin", BetterDirection.Neither);

    /// <summary>The absmax of an FC2 layer's R-th largest input channel.</summary>
    public static MetricInfo OutlierAbsMax { get; } =
        Step(Outlier("LAYER", "R", channel: false), XUnits, "outlier channel absmax (x units)", BetterDirection.Neither);

    /// <summary>The index of an FC2 layer's R-th largest input channel.</summary>
    public static MetricInfo OutlierChannel { get; } =
        Step(Outlier("LAYER", "R", channel: true), "channel index", "outlier channel index", BetterDirection.Neither);

    /// <summary>The magnitude histogram's bins, <c>magHist.zero</c>, <c>.under</c>, <c>.e{k}</c>, <c>.over</c>: shares of elements.</summary>
    public static MetricInfo MagnitudeHistogram { get; } =
        Layer(MagHistPattern, Fraction, "magnitude histogram bin (0–1, share of elements)", AllRoles, BetterDirection.Neither);

    public static IReadOnlyList<MetricInfo> Families { get; } = [TaskAccuracy, TaskDiscordant, OutlierAbsMax, OutlierChannel, MagnitudeHistogram];

    public static IReadOnlyDictionary<string, MetricInfo> ByName { get; } = All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    private static MetricInfo Step(string name, string unit, string label, BetterDirection better, bool offered = false) =>
        new(name, unit, label, MetricScope.Scalar, [], better, Worst(better), ColorScale.Viridis, offered);

    private static MetricInfo Layer(string name, string unit, string label, string[] roles, BetterDirection better, bool offered = false) =>
        new(name, unit, label, MetricScope.PerLayer, roles, better, Worst(better), ColorScale.Viridis, offered);

    // A heatmap bucket keeps the worst of its steps: the least where higher is better, else the most.
    private static BucketAggregation Worst(BetterDirection better) => better == BetterDirection.Higher ? BucketAggregation.Min : BucketAggregation.Max;
}
