using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Model;

/// <summary>RMSNorm as in Llama: x / sqrt(mean(x²) + eps) · weight, over the last dimension. Parameter <c>weight</c> [d], init 1.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    /// <summary>Creates the norm for width <paramref name="dim"/> on <paramref name="device"/> (null = CPU).</summary>
    public RmsNorm(string name, long dim, double eps, Device? device = null) : base(name)
    {
        _eps = eps;
        _weight = new Parameter(ones(dim, device: device), requires_grad: true);
        register_parameter("weight", _weight);
    }

    /// <summary>[..., d] -> [..., d].</summary>
    public override Tensor forward(Tensor x)
    {
        using var meanSquare = x.pow(ScalarOps.Two).mean([-1], keepdim: true); // [..., 1]; square() would pass a temporary 2
        using var eps = _eps.ToScalar(); // held until add_ returns (see Numerics/ScalarOps)
        using var inverse = meanSquare.add_(eps, ScalarOps.One).rsqrt_();
        using var normed = x.mul(inverse);
        return normed.mul(_weight);
    }
}
