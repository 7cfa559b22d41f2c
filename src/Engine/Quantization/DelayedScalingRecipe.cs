using System.Text.Json.Serialization;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Delayed tensor scaling as Transformer Engine defines it: the scale used at step t comes from an amax history
/// that ends at step t-1. Immutable; the per-tensor state lives in <c>DelayedScalingState</c>.
/// </summary>
public sealed record DelayedScalingRecipe : IScalingRecipe
{
    /// <summary>Element number format of the scaled tensors: "e4m3", "e5m2" or "hif8" (HiF8 scales to max_val 15).</summary>
    public FormatName Format { get; init; } = FormatName.E4M3;
    /// <summary>Length of the amax history window, steps (TE's amax_history_len).</summary>
    public int AmaxHistoryLength { get; init; } = 16;
    /// <summary>How amaxPred is taken from the history: "max" (TE default), "most_recent", "mean".</summary>
    [JsonConverter(typeof(WireEnumConverter<AmaxAlgorithm>))]
    public AmaxAlgorithm AmaxComputeAlgo { get; init; } = AmaxAlgorithm.Max;
    /// <summary>Extra headroom: scale = format_max / amaxPred / 2^margin.</summary>
    public int Margin { get; init; }
    /// <summary>
    /// Recompute amaxPred and the scale every N steps (1 = every step). The history still records every step;
    /// between updates the scale is held. Larger periods save work and mimic hardware recipes that rescale rarely.
    /// </summary>
    public int UpdatePeriod { get; init; } = 1;
    /// <summary>Rounding onto the grid: <c>nearest</c> (default, left out of the JSON) or <c>stochastic</c> (set by a rule's <c>rounding</c>).</summary>
    [JsonConverter(typeof(WireEnumConverter<RoundingMode>))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RoundingMode Rounding { get; init; }
}
