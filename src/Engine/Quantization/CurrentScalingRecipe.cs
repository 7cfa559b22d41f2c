using QuantScope.Engine.Configuration;
using System.Text.Json.Serialization;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Current (just-in-time) per-tensor scaling: the scale used at step t comes from step t's own amax,
/// scale = target_max / amax / 2^margin (target_max = format max, 15 for HiF8). No history; the only state is the last
/// usable scale, kept when amax is 0 or non-finite (<see cref="CurrentScalingState"/>). Costs an extra amax reduction
/// before the cast but never saturates on a spike.
/// </summary>
public sealed record CurrentScalingRecipe : IScalingRecipe
{
    /// <summary>Element format: "e4m3", "e5m2", "hif8", or a per-tensor INT such as "int8-pt".</summary>
    public FormatName Format { get; init; } = FormatName.E4M3;
    /// <summary>Extra headroom in powers of two.</summary>
    public int Margin { get; init; }
    /// <summary>Rounding onto the grid: <c>nearest</c> (default, left out of the JSON) or <c>stochastic</c> (set by a rule's <c>rounding</c>).</summary>
    [JsonConverter(typeof(WireEnumConverter<RoundingMode>))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RoundingMode Rounding { get; init; }
}
