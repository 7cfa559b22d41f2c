namespace QuantScope.Engine.Quantization;

/// <summary>
/// Delayed tensor scaling as Transformer Engine defines it: the scale used at step t comes from an amax history
/// that ends at step t-1. Immutable; the per-tensor state lives in <c>DelayedScalingState</c>.
/// </summary>
public sealed record DelayedScalingRecipe
{
    /// <summary>Number format of the forward tensors (inputs and weights). Only "e4m3" in the walking skeleton.</summary>
    public string Format { get; init; } = "e4m3";
    /// <summary>Length of the amax history window, steps (TE's amax_history_len).</summary>
    public int AmaxHistoryLength { get; init; } = 16;
    /// <summary>How amax_pred is taken from the history: "max" (TE default), "most_recent".</summary>
    public string AmaxComputeAlgo { get; init; } = "max";
    /// <summary>Extra headroom: scale = format_max / amax_pred / 2^margin.</summary>
    public int Margin { get; init; }
}
