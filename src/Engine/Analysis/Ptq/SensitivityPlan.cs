using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>
/// Turns a sensitivity ranking into a mixed-precision plan: <c>keep</c> rules (input and weight, exact full module
/// names) for the K most damaging layers, ahead of the evaluated plan's own rules (first match wins). The result is a
/// <see cref="QuantConfig"/> of rules, so it drops into a run config's <c>quant</c> field as it is.
/// </summary>
public static class SensitivityPlan
{
    /// <summary>The plan keeping the <paramref name="keep"/> worst layers of <paramref name="ranking"/> in high precision.</summary>
    /// <param name="plan">The plan that was evaluated, in its exported form (<see cref="PtqPlans.Restrict"/>: original recipes).</param>
    /// <param name="ranking">Sensitivity, most damaging first.</param>
    /// <param name="keep">How many layers to keep (at most the ranking's length).</param>
    /// <exception cref="PtqInputException"><paramref name="keep"/> is negative or exceeds the number of ranked layers.</exception>
    public static QuantConfig Export(QuantPlan plan, IReadOnlyList<LayerSensitivity> ranking, int keep)
    {
        if (keep < 0 || keep > ranking.Count) throw new PtqInputException("keepHighPrecision", $"must be between 0 and the {ranking.Count} quantized layers");
        var kept = ranking.OrderBy(s => s.Rank).Take(keep)
            .SelectMany(s => new[] { TensorRole.Input, TensorRole.Weight }.Select(role => new QuantRule { Layer = s.Layer, Role = role, Recipe = RecipeKind.Keep }));
        return new QuantConfig { Preset = null, Rules = [.. kept, .. plan.Rules] };
    }
}
