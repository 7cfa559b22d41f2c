using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// The main phase's quantization: a named preset (<see cref="QuantPlan.PresetNames"/>) with optional overrides of its
/// delayed-scaling recipes, or an explicit list of <see cref="Rules"/> (which then wins over the preset).
/// </summary>
public sealed record QuantConfig
{
    /// <summary>Preset name.</summary>
    public string? Preset { get; init; } = "fp8-delayed";

    /// <summary>Overrides the amax history length H of every delayed rule.</summary>
    public int? HistoryLength { get; init; }

    /// <summary>Overrides the amax algorithm (<c>max</c>, <c>most_recent</c>, <c>mean</c>) of every delayed rule.</summary>
    [JsonConverter(typeof(WireEnumConverter<AmaxAlgorithm>))]
    public AmaxAlgorithm? Algorithm { get; init; }

    /// <summary>Overrides the margin of every delayed and current rule.</summary>
    public int? Margin { get; init; }

    /// <summary>Overrides the format of every input and weight rule (gradient rules keep theirs).</summary>
    public FormatName? Format { get; init; }

    /// <summary>Explicit rules (first match wins); when set, <see cref="Preset"/> is ignored.</summary>
    public IReadOnlyList<QuantRule>? Rules { get; init; }

    /// <summary>
    /// Calibrate during the BF16 warmup (Transformer Engine's calibration): the warmup's recorded input, weight and gradient amax
    /// fill each delayed-scaling history when QAT starts, so the first quantized steps scale from a full window instead of
    /// an empty one. Default false (histories start empty at QAT start); no effect without <c>bf16WarmupSteps</c>.
    /// Left out of the written config at its default, so configs written before it existed read back unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CalibrateInWarmup { get; init; }

    /// <summary>The plan these settings describe (the preset must exist: validate first).</summary>
    public QuantPlan ToPlan()
    {
        var plan = Rules is { Count: > 0 } ? new QuantPlan("custom", Rules) : QuantPlan.Preset(Preset ?? "fp8-delayed");
        if (HistoryLength is null && Algorithm is null && Margin is null && Format is null) return plan;
        return plan with { Rules = plan.Rules.Select(Override).ToArray() };
    }

    private QuantRule Override(QuantRule rule)
    {
        var delayed = rule.Delayed with
        {
            AmaxHistoryLength = HistoryLength ?? rule.Delayed.AmaxHistoryLength,
            AmaxComputeAlgo = Algorithm ?? rule.Delayed.AmaxComputeAlgo,
            Margin = Margin ?? rule.Delayed.Margin,
        };
        var format = Format is not null && rule.Role != TensorRole.Grad ? Format : rule.Format;
        return rule with { Delayed = delayed, Margin = Margin ?? rule.Margin, Format = format };
    }
}
