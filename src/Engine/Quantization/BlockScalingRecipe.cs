using QuantScope.Engine.Configuration;
using System.Text.Json.Serialization;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Block-scaled formats (INT-n per channel/group, MXFP8, MXFP4, NVFP4) carry their own scales inside the format, so
/// there is no per-tensor scale to choose: the tensor is quantized as is. Stats report amaxPred = amax, scale = 1 and
/// saturation = 0 (a block scale is derived from the block's own max, so nothing clips).
/// </summary>
public sealed record BlockScalingRecipe : IScalingRecipe
{
    /// <summary>A scaled format: "int4-g128", "int8", "mxfp8-e4m3", "mxfp4", "nvfp4", ...</summary>
    public FormatName Format { get; init; } = FormatName.Mxfp8E4M3;
    /// <summary>Rounding onto the grid: <c>nearest</c> (default, left out of the JSON) or <c>stochastic</c> (set by a rule's <c>rounding</c>).</summary>
    [JsonConverter(typeof(WireEnumConverter<RoundingMode>))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public RoundingMode Rounding { get; init; }
}
