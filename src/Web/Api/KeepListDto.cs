using QuantScope.Engine.Analysis.KeepList;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Api;

/// <summary>
/// The recommended keep-list of a run (<c>GET /api/runs/{id}/keep-list</c>): the layers to keep in high precision,
/// every quantized layer's contribution, the predicted error before and after, and the plan to start a run with.
/// </summary>
/// <param name="TargetFraction">The target as asked: a fraction of the run's predicted error.</param>
/// <param name="Keep">Layers to keep, largest contribution first.</param>
/// <param name="Layers">Every quantized layer with its contribution, source and whether it is kept.</param>
/// <param name="Unit">Unit of the contributions: relative output error, or nats/token (PTQ).</param>
/// <param name="TotalError">Predicted error of the run's plan.</param>
/// <param name="PredictedError">Predicted error with the keep-list.</param>
/// <param name="Target">TargetFraction × TotalError.</param>
/// <param name="Model">What "predicted error" means.</param>
/// <param name="Plan">The run's <c>quant</c> with keep rules first: a config's <c>quant</c> field as it is.</param>
public sealed record KeepListDto(
    double TargetFraction, IReadOnlyList<string> Keep, IReadOnlyList<LayerErrorShare> Layers, string Unit,
    double TotalError, double PredictedError, double Target, string Model, QuantConfig Plan)
{
    /// <summary>The wire form of <paramref name="r"/>.</summary>
    public static KeepListDto From(KeepListRecommendation r, double targetFraction) =>
        new(targetFraction, r.Keep, r.Layers, r.Unit, r.TotalError, r.PredictedError, r.Target, r.Model, r.Plan);
}
