using QuantScope.Engine.Training;

namespace QuantScope.Engine.Analysis.KeepList;

/// <summary>The smallest set of layers to keep in high precision so that the predicted error falls under the target.</summary>
/// <param name="Keep">The layers to keep (full module names), largest contribution first.</param>
/// <param name="Layers">Every quantized layer with a measured contribution, largest first.</param>
/// <param name="Unit">The unit of the contributions and totals: relative output error, or nats/token (PTQ).</param>
/// <param name="TotalError">The predicted error with every layer quantized as the run was: the sum of the contributions.</param>
/// <param name="PredictedError">The predicted error with <see cref="Keep"/> in high precision: the sum of the others.</param>
/// <param name="Target">The target the predicted error had to reach: the target fraction × <see cref="TotalError"/>.</param>
/// <param name="Model">What "predicted error" means here, in words.</param>
/// <param name="Plan">The run's plan with keep rules for <see cref="Keep"/> first (a <c>quant</c> config of rules).</param>
public sealed record KeepListRecommendation(
    IReadOnlyList<string> Keep,
    IReadOnlyList<LayerErrorShare> Layers,
    string Unit,
    double TotalError,
    double PredictedError,
    double Target,
    string Model,
    QuantConfig Plan);
