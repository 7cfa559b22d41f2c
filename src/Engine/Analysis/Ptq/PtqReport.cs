using QuantScope.Engine.Training;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>The result of a PTQ analysis of one checkpoint (managed values only).</summary>
/// <param name="Checkpoint">The checkpoint analysed.</param>
/// <param name="Plan">Name of the plan applied.</param>
/// <param name="Activations">True when inputs were quantized too.</param>
/// <param name="QuantizedLayers">Full names of the layers the plan quantizes, in forward order.</param>
/// <param name="Baseline">The unquantized checkpoint.</param>
/// <param name="Quantized">The checkpoint under the plan.</param>
/// <param name="LossDelta">Quantized minus baseline held-out loss, nats per token.</param>
/// <param name="AccuracyDelta">Quantized minus baseline mean task accuracy, or null without tasks.</param>
/// <param name="Sensitivity">Per-layer damage, most damaging first; empty unless asked.</param>
/// <param name="KeepPlan">The plan (a <c>quant</c> config of rules) that keeps the worst layers in high precision; null unless asked.</param>
/// <param name="TokenCurve">Degradation of each of the run's checkpoints, by step; empty unless asked.</param>
/// <param name="Outliers">Outlier metrics per quantized layer of the checkpoint.</param>
/// <param name="Warnings">Plan warnings (rules matching nothing, block-size fallbacks) and PTQ notes.</param>
public sealed record PtqReport(
    RunCheckpoint Checkpoint,
    string Plan,
    bool Activations,
    IReadOnlyList<string> QuantizedLayers,
    PtqMetrics Baseline,
    PtqMetrics Quantized,
    double LossDelta,
    double? AccuracyDelta,
    IReadOnlyList<LayerSensitivity> Sensitivity,
    QuantConfig? KeepPlan,
    IReadOnlyList<TokenCurvePoint> TokenCurve,
    IReadOnlyList<LayerOutliers> Outliers,
    IReadOnlyList<string> Warnings);
