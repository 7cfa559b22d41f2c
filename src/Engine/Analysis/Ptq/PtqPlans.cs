using QuantScope.Engine.Numerics;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>
/// The plans a PTQ analysis applies: a named preset or one format (with an optional INT group size) on every layer,
/// and the evaluation form of a plan. Post-training there is no amax history, so delayed-scaling rules are evaluated
/// with current scaling (this batch's amax, same format and margin); gradient rules never apply (no backward pass).
/// </summary>
public static class PtqPlans
{
    /// <summary>
    /// The plan named by <paramref name="preset"/>, or <paramref name="format"/> (with <paramref name="groupSize"/> for
    /// INT formats: <c>int4</c> + 64 = <c>int4-g64</c>) on the input and weight of every layer. Exactly one of preset and
    /// format must be given.
    /// </summary>
    /// <exception cref="PtqInputException">Neither or both given, unknown preset or format, or a bad group size.</exception>
    public static QuantPlan Resolve(string? preset, string? format, int? groupSize)
    {
        if (preset is not null && format is not null) throw new PtqInputException("preset", "and format are exclusive: give one");
        if (preset is not null)
        {
            if (groupSize is not null) throw new PtqInputException("groupSize", "applies to a format, not a preset");
            return QuantPlan.TryGetPreset(preset, out var plan)
                ? plan
                : throw new PtqInputException("preset", $"must be one of: {string.Join(", ", QuantPlan.PresetNames)}");
        }

        if (string.IsNullOrWhiteSpace(format)) throw new PtqInputException("format", "or preset is required");
        var name = format.ToLowerInvariant();
        if (groupSize is { } g)
        {
            if (!NumberFormats.TryGet(name, out var f) || f is not IntFormat { Granularity: IntGranularity.PerChannel } i)
                throw new PtqInputException("groupSize", "applies only to a per-channel INT format name (int2..int8)");
            if (g is < 16 or > 1024) throw new PtqInputException("groupSize", "must be between 16 and 1024");
            name = $"int{i.Bits}-g{g}";
        }

        if (!NumberFormats.TryGet(name, out var resolved)) throw new PtqInputException("format", "is not a known number format (see GET /api/formats)");
        var kind = resolved is FloatFormat or HiF8Format or IntFormat { Granularity: IntGranularity.PerTensor } ? RecipeKind.Current : RecipeKind.Block;
        var formatName = FormatName.Parse(resolved.Name);
        return new QuantPlan(resolved.Name,
        [
            new QuantRule { Layer = "**", Role = TensorRole.Input, Format = formatName, Recipe = kind },
            new QuantRule { Layer = "**", Role = TensorRole.Weight, Format = formatName, Recipe = kind },
        ]);
    }

    /// <summary>
    /// <paramref name="plan"/> restricted to the roles a PTQ evaluation quantizes: weights, plus inputs when
    /// <paramref name="activations"/>; gradient rules are dropped. Recipes are kept as they are (the form to export).
    /// </summary>
    public static QuantPlan Restrict(QuantPlan plan, bool activations) => plan with
    {
        Rules = plan.Rules.Where(r => r.Role == TensorRole.Weight || (activations && r.Role == TensorRole.Input)).ToArray(),
    };

    /// <summary><paramref name="plan"/> as evaluated: <see cref="Restrict"/>, then delayed rules as current scaling.</summary>
    public static QuantPlan ForEvaluation(QuantPlan plan, bool activations) => Restrict(plan, activations) with
    {
        Rules = Restrict(plan, activations).Rules
            .Select(r => r.Recipe == RecipeKind.Delayed ? r with { Recipe = RecipeKind.Current, Margin = r.Delayed.Margin } : r)
            .ToArray(),
    };
}
