using QuantScope.Engine.Numerics;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>A <see cref="QuantPlan"/> resolved against a model's layers: one entry per (layer, role), plus warnings.</summary>
/// <param name="Entries">Input and weight for every layer (in layer order), then grad where a rule asks for it.</param>
/// <param name="Warnings">Rules that matched nothing, and fallbacks.</param>
public sealed record ResolvedPlan(IReadOnlyList<ResolvedEntry> Entries, IReadOnlyList<string> Warnings)
{
    /// <summary>The recipe applied to (layer, role), or null for high precision.</summary>
    public IScalingRecipe? RecipeFor(string layer, TensorRole role) =>
        Entries.FirstOrDefault(e => e.Layer == layer && e.Role == role)?.Recipe;

    /// <summary>The plain telemetry rows (format <c>fp32</c> / recipe <c>high precision</c> for unquantized roles).</summary>
    public IReadOnlyList<PlanEntry> ToPlanEntries() =>
        Entries.Select(e => new PlanEntry(e.Layer, e.Role.ToWire(), e.Recipe?.Format.Name ?? QuantPlan.HighPrecisionFormat, Describe(e.Recipe), e.Note)).ToArray();

    /// <summary>Short recipe text, e.g. <c>delayed(h=16,max,margin=0)</c>.</summary>
    public static string Describe(IScalingRecipe? recipe) => recipe switch
    {
        null => QuantPlan.HighPrecisionRecipe,
        DelayedScalingRecipe d => $"delayed(h={d.AmaxHistoryLength},{Configuration.WireNames<AmaxAlgorithm>.Of(d.AmaxComputeAlgo)},margin={d.Margin}"
            + (d.UpdatePeriod == 1 ? "" : $",period={d.UpdatePeriod}") + (d.Format == FormatName.HiF8 ? ",max_val=15" : "") + ")",
        CurrentScalingRecipe c => $"current(margin={c.Margin})",
        BlockScalingRecipe => "block",
        _ => recipe.GetType().Name,
    };
}
