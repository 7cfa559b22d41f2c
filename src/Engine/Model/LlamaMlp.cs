using QuantScope.Engine.Quantization;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Model;

/// <summary>
/// SwiGLU feed-forward (<c>mlp</c>): down_proj(silu(gate_proj(x)) · up_proj(x)). FC2 = <c>down_proj</c>: its input is
/// the SwiGLU product, the activation with the heaviest outliers in Llama-style models.
/// </summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly QuantLinear _gateProj;
    [ComponentName(Name = "up_proj")]
    private readonly QuantLinear _upProj;
    [ComponentName(Name = "down_proj")]
    private readonly QuantLinear _downProj;
    private readonly SharedInput _input = new(); // gate and up read the same x: its own statistics once

    /// <summary>Creates the MLP for <paramref name="config"/>, unquantized (a plan configures its projections).</summary>
    public LlamaMlp(string name, ModelConfig config, Device? device = null) : base(name)
    {
        _gateProj = new QuantLinear("gate_proj", config.DModel, config.FfnDim, false, null, null, device);
        _upProj = new QuantLinear("up_proj", config.DModel, config.FfnDim, false, null, null, device);
        _downProj = new QuantLinear("down_proj", config.FfnDim, config.DModel, false, null, null, device);
        register_module("gate_proj", _gateProj);
        register_module("up_proj", _upProj);
        register_module("down_proj", _downProj);
        _gateProj.SharedInput = _upProj.SharedInput = _input;
    }

    /// <summary>x [B, T, D] -> [B, T, D] (through [B, T, FfnDim]).</summary>
    public override Tensor forward(Tensor x)
    {
        using var reading = _input.Read(x); // until the end of this call
        using var gate = _gateProj.forward(x); // [B, T, F]
        using var up = _upProj.forward(x); // [B, T, F]
        using var product = nn.functional.silu(gate).mul_(up);
        return _downProj.forward(product); // [B, T, D]
    }
}
