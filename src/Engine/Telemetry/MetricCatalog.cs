using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace QuantScope.Engine.Telemetry;

/// <summary>
/// Every metric the engine emits and the store keeps, named here once: its name (the constants, each with its
/// meaning), unit, label, scope, roles, better direction, bucket aggregation and colour scale (<see cref="All"/>,
/// <see cref="TryGet"/>). The stats layout, the pickers, the exports, the importers and README's metric table read it.
/// Layers are named by full module name.
/// </summary>
public static class MetricCatalog
{
    /// <summary>Training loss (cross-entropy, nats per token), one scalar per step.</summary>
    public const string Loss = "loss";
    /// <summary>Learning rate in effect for the step.</summary>
    public const string LearningRate = "lr";
    /// <summary>Wall time of the training step, milliseconds.</summary>
    public const string StepMillis = "step_ms";
    /// <summary>Tokens seen so far (cumulative).</summary>
    public const string Tokens = "tokens";
    /// <summary>Per layer: fraction (0..1) of elements whose |x·scale| exceeded the format max (clipped).</summary>
    public const string OverflowFraction = "overflowFraction";
    /// <summary>Per layer: absolute maximum of the tensor at this step (before scaling).</summary>
    public const string Amax = "amax";
    /// <summary>Per layer: the delayed amax prediction the tensor was scaled with (from the history ending at the previous step).</summary>
    public const string AmaxPred = "amaxPred";
    /// <summary>Per layer: the scale applied before casting (format max / amaxPred).</summary>
    public const string Scale = "scale";

    /// <summary>Per layer and role: nonzero elements that quantized to zero / all elements (fraction 0..1).</summary>
    public const string UnderflowFraction = "underflowFraction";
    /// <summary>Per layer and role: mean((Q(x) - x)²), in x's units squared.</summary>
    public const string Mse = "mse";
    /// <summary>Per layer and role: 10·log10(Σx² / Σ(Q(x) - x)²), dB (300 when lossless).</summary>
    public const string SqnrDb = "sqnrDb";
    /// <summary>Per layer and role (HiF8 only): fraction of scaled values in the 3-bit-mantissa tier (|E| ≤ 3).</summary>
    public const string Hif8Tier3Bit = "hif8Tier3Bit";
    /// <summary>HiF8: fraction in the 2-bit tier (3 &lt; |E| ≤ 7).</summary>
    public const string Hif8Tier2Bit = "hif8Tier2Bit";
    /// <summary>HiF8: fraction in the 1-bit tier (7 &lt; |E| ≤ 15).</summary>
    public const string Hif8Tier1Bit = "hif8Tier1Bit";
    /// <summary>HiF8: fraction in the 0-bit tier (-22 ≤ E &lt; -15).</summary>
    public const string Hif8Tier0Bit = "hif8Tier0Bit";
    /// <summary>Per layer, input: Pearson kurtosis m4/m2² of the activation (3 = normal).</summary>
    public const string Kurtosis = "kurtosis";
    /// <summary>Per layer, input: largest channel absmax / median channel absmax.</summary>
    public const string ChannelRatio = "channelRatio";
    /// <summary>Per layer, input: ||x·Q(W)ᵀ - x·Wᵀ|| / ||x·Wᵀ|| on error-split steps.</summary>
    public const string ErrorWeightOnly = "errorWeightOnly";
    /// <summary>Per layer, input: ||Q(x)·Wᵀ - x·Wᵀ|| / ||x·Wᵀ||.</summary>
    public const string ErrorInputOnly = "errorInputOnly";
    /// <summary>Per layer, input: ||Q(x)·Q(W)ᵀ - x·Wᵀ|| / ||x·Wᵀ||.</summary>
    public const string ErrorBoth = "errorBoth";
    /// <summary>Per layer, weight: Frobenius norm of W.</summary>
    public const string WeightNorm = "weightNorm";
    /// <summary>Per layer, weight: Frobenius norm of dL/dW before clipping.</summary>
    public const string GradNorm = "gradNorm";
    /// <summary>Per layer and role: 1 when amax exceeded amaxPred (the delayed scale was too small), else 0.</summary>
    public const string SaturationEvent = "saturationEvent";
    /// <summary>Per layer and role: mean of <see cref="SaturationEvent"/> over the last 16 logged steps.</summary>
    public const string SaturationRate = "saturationRate";
    /// <summary>Per layer and role: amax / amaxPred.</summary>
    public const string AmaxRatio = "amaxRatio";
    /// <summary>Per layer and role: log2(amax) - log2(smallest nonzero |x|) of the tensor before scaling, binades (compare the format's, <c>Numerics.MagnitudeBins.DynamicRangeBinades</c>).</summary>
    public const string DynamicRange = "dynamicRange";
    /// <summary>Per layer and role (block formats): smallest per-block dequantization scale (scale_inv).</summary>
    public const string ScaleInvMin = "scaleInvMin";
    /// <summary>Per layer and role (block formats): largest per-block dequantization scale (scale_inv).</summary>
    public const string ScaleInvMax = "scaleInvMax";
    /// <summary>Per layer and role (block formats): population standard deviation of the per-block scale_inv.</summary>
    public const string ScaleStd = "scaleStd";
    /// <summary>Per layer and role (MX, NVFP4): share of blocks whose scale sits at the scale format's min or max.</summary>
    public const string BlocksAtScaleLimit = "blocksAtScaleLimit";
    /// <summary>Per layer and role (block formats): share of blocks where more than half of the nonzero values flushed to 0.</summary>
    public const string BlockUnderflow = "blockUnderflow";
    /// <summary>Per layer and role, imported from Transformer Engine logs: the largest dynamic range of any block, binades.</summary>
    public const string MaxBlockwiseDynamicRange = "maxBlockwiseDynamicRange";
    /// <summary>Prefix of the magnitude histogram: <c>magHist.zero</c>, <c>magHist.under</c>, <c>magHist.e{k}</c>, <c>magHist.over</c> (shares of elements).</summary>
    public const string MagHistPrefix = "magHist.";
    /// <summary>The histogram family's name pattern (README, pickers): <c>magHist.e{k}</c>.</summary>
    public const string MagHistPattern = "magHist.e{k}";
    /// <summary>Prefix of the FC2 outlier scalars: <c>outliers.LAYER.RANK.channel</c> and <c>outliers.LAYER.RANK.absmax</c>.</summary>
    public const string OutlierPrefix = "outliers.";
    /// <summary>Prefix of the what-if metrics: <c>whatIf.FORMAT.METRIC</c> for each of <see cref="WhatIfMetrics"/>.</summary>
    public const string WhatIfPrefix = "whatIf.";

    /// <summary>Prefix of the twin's metrics that have no constant of their own (task accuracies).</summary>
    public const string BaselinePrefix = "baseline_";
    /// <summary>Loss of the unquantized twin on the same batch, nats per token.</summary>
    public const string BaselineLoss = "baseline_loss";
    /// <summary>|loss - baseline_loss| / baseline_loss x 100, percent, per step.</summary>
    public const string LossApe = "loss_ape";
    /// <summary>Pretraining-phase loss, nats per token, indexed by pretraining step.</summary>
    public const string PretrainLoss = "pretrain_loss";
    /// <summary>Held-out loss on the pretraining data (forgetting), nats per token, at evaluation steps.</summary>
    public const string HeldOutLoss = "heldout_loss";
    /// <summary>The twin's <see cref="HeldOutLoss"/>.</summary>
    public const string BaselineHeldOutLoss = "baseline_heldout_loss";
    /// <summary>Held-out loss on the main text file's held-out part (data.kind text), nats per token, at evaluation steps.</summary>
    public const string TextLoss = "text_heldout_loss";
    /// <summary>The twin's <see cref="TextLoss"/>.</summary>
    public const string BaselineTextLoss = "baseline_text_heldout_loss";
    /// <summary>exp(<see cref="TextLoss"/>): perplexity per token of the run's tokenizer on the text file's held-out part.</summary>
    public const string Perplexity = "perplexity";
    /// <summary>The twin's <see cref="Perplexity"/>.</summary>
    public const string BaselinePerplexity = "baseline_perplexity";
    /// <summary>Knowledge-probe next-token accuracy, fraction 0..1, at evaluation steps.</summary>
    public const string ProbeAccuracy = "probe_acc";
    /// <summary>The twin's <see cref="ProbeAccuracy"/>.</summary>
    public const string BaselineProbeAccuracy = "baseline_probe_acc";

    /// <summary>Prefix of task metrics: <c>task.NAME.acc</c>, <c>task.NAME.acc_norm</c>; the twin's start with <c>baseline_</c>.</summary>
    public const string TaskPrefix = "task.";
    /// <summary>Suffix of a task's plain accuracy.</summary>
    public const string TaskAccuracySuffix = ".acc";
    /// <summary>Suffix of a task's per-byte normalised accuracy.</summary>
    public const string TaskNormalisedSuffix = ".acc_norm";

    /// <summary>Suffixes of a task's discordant item counts against the twin (items right for only one of the two models).</summary>
    public const string TaskTwinOnlySuffix = ".twin_only", TaskRunOnlySuffix = ".run_only";

    /// <summary>
    /// Discordant items of task <paramref name="name"/> at an evaluation with a twin, counts: <c>task.NAME.twin_only</c>
    /// (right for the twin only) when <paramref name="twinOnly"/>, else <c>task.NAME.run_only</c> (right for the run only).
    /// </summary>
    public static string TaskDiscordant(string name, bool twinOnly) => TaskPrefix + name + (twinOnly ? TaskTwinOnlySuffix : TaskRunOnlySuffix);

    /// <summary>Accuracy metric of task <paramref name="name"/> (fraction 0..1), or of the twin's when <paramref name="baseline"/>.</summary>
    public static string TaskAccuracy(string name, bool baseline = false, bool normalised = false) =>
        (baseline ? BaselinePrefix : "") + TaskPrefix + name + (normalised ? TaskNormalisedSuffix : TaskAccuracySuffix);

    /// <summary>The absmax of FC2 layer <paramref name="layer"/>'s <paramref name="rank"/>-th largest input channel (0 = largest).</summary>
    public static string OutlierAbsMax(string layer, int rank) => Outlier(layer, rank.ToString(CultureInfo.InvariantCulture), OutlierAbsMaxSuffix);

    /// <summary>The index of FC2 layer <paramref name="layer"/>'s <paramref name="rank"/>-th largest input channel.</summary>
    public static string OutlierChannel(string layer, int rank) => Outlier(layer, rank.ToString(CultureInfo.InvariantCulture), OutlierChannelSuffix);

    /// <summary>An outlier scalar's name; <paramref name="rank"/> is a number, or R in the family's pattern.</summary>
    internal static string Outlier(string layer, string rank, bool channel) => Outlier(layer, rank, channel ? OutlierChannelSuffix : OutlierAbsMaxSuffix);

    private static string Outlier(string layer, string rank, string suffix) => OutlierPrefix + layer + "." + rank + suffix;

    private const string OutlierAbsMaxSuffix = ".absmax";
    private const string OutlierChannelSuffix = ".channel";

    /// <summary>What format <paramref name="format"/> would have given for <paramref name="metric"/>: <c>whatIf.FORMAT.METRIC</c>.</summary>
    public static string WhatIf(string format, string metric) => $"{WhatIfPrefix}{format}.{metric}";

    /// <summary>Statistics imported logs report per recipe (Transformer Engine's <c>RECIPE_scale_inv_min</c>, ...) beside <see cref="WhatIfMetrics"/>: <c>whatIf.RECIPE.METRIC</c> takes METRIC's definition.</summary>
    public static IReadOnlyList<string> ImportedWhatIfMetrics { get; } = [ScaleInvMin, ScaleInvMax, DynamicRange, MaxBlockwiseDynamicRange, Amax];

    /// <summary>The statistics a what-if format reports, in this order.</summary>
    public static IReadOnlyList<string> WhatIfMetrics { get; } = [OverflowFraction, UnderflowFraction, Mse, SqnrDb];

    /// <summary>
    /// Every named metric. Pickers list the offered ones in this order. Families named by a pattern are in
    /// <see cref="Families"/>.
    /// </summary>
    public static IReadOnlyList<MetricInfo> All => MetricCatalogEntries.All;

    /// <summary>
    /// Metrics named by a pattern (their <see cref="MetricInfo.Name"/>): task accuracies, the FC2 outlier channels and the
    /// magnitude histogram's bins.
    /// What-if metrics take the definition of the metric they repeat.
    /// </summary>
    public static IReadOnlyList<MetricInfo> Families => MetricCatalogEntries.Families;

    /// <summary>
    /// The definition of <paramref name="name"/>: a named metric, a task accuracy (the twin's too), an outlier channel,
    /// or <c>whatIf.FORMAT.METRIC</c> (the definition of METRIC under the full name). False for an unknown name.
    /// </summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out MetricInfo? info)
    {
        if (MetricCatalogEntries.ByName.TryGetValue(name, out info)) return true;
        info = Family(name);
        return info is not null;
    }

    private static MetricInfo? Family(string name)
    {
        if (name.StartsWith(TaskPrefix, StringComparison.Ordinal) || name.StartsWith(BaselinePrefix + TaskPrefix, StringComparison.Ordinal))
            return (IsDiscordant(name) ? MetricCatalogEntries.TaskDiscordant : MetricCatalogEntries.TaskAccuracy) with { Name = name };
        if (name.StartsWith(OutlierPrefix, StringComparison.Ordinal))
            return (name.EndsWith(OutlierChannelSuffix, StringComparison.Ordinal) ? MetricCatalogEntries.OutlierChannel : MetricCatalogEntries.OutlierAbsMax) with { Name = name };
        if (name.StartsWith(MagHistPrefix, StringComparison.Ordinal))
            return IsMagHistBin(name) ? MetricCatalogEntries.MagnitudeHistogram with { Name = name } : null;
        if (!name.StartsWith(WhatIfPrefix, StringComparison.Ordinal)) return null;
        var last = name.LastIndexOf('.');
        var inner = name[(last + 1)..];
        return last > WhatIfPrefix.Length && (WhatIfMetrics.Contains(inner) || ImportedWhatIfMetrics.Contains(inner)) ? MetricCatalogEntries.ByName[inner] with { Name = name } : null;
    }

    private static bool IsDiscordant(string name) =>
        name.EndsWith(TaskTwinOnlySuffix, StringComparison.Ordinal) || name.EndsWith(TaskRunOnlySuffix, StringComparison.Ordinal);

    /// <summary>True for <c>magHist.zero</c>, <c>magHist.under</c>, <c>magHist.over</c>, <c>magHist.e{k}</c> with an integer k, and the pattern itself.</summary>
    public static bool IsMagHistBin(string name)
    {
        if (!name.StartsWith(MagHistPrefix, StringComparison.Ordinal)) return false;
        var bin = name[MagHistPrefix.Length..];
        return bin is "zero" or "under" or "over" || name == MagHistPattern
            || (bin.Length > 1 && bin[0] == 'e' && int.TryParse(bin[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
    }

    /// <summary>The unit of <paramref name="metric"/>; an unknown metric is labelled with its own name.</summary>
    public static string UnitOf(string metric) => TryGet(metric, out var info) ? info.Unit : metric;

    /// <summary>True for a per-step scalar metric (task metrics and outlier channels included); false for an unknown one.</summary>
    public static bool IsScalar(string metric) => TryGet(metric, out var info) && info.Scope == MetricScope.Scalar;
}
