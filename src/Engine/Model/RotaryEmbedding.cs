using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Model;

/// <summary>
/// Rotary position tables in Hugging Face Llama's "rotate half" layout: for head size h, frequency
/// θ_i = theta^(-2i/h) for i &lt; h/2, duplicated across both halves. Buffers <c>cos</c>, <c>sin</c> [context, h]
/// are not persisted (derived from the config).
/// </summary>
public sealed class RotaryEmbedding : nn.Module
{
    [ComponentName(Name = "cos")]
    private readonly Tensor _cos;
    [ComponentName(Name = "sin")]
    private readonly Tensor _sin;

    /// <summary>Builds the tables for <paramref name="contextLength"/> positions.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="headDim">Head size h (even).</param>
    /// <param name="contextLength">Positions to tabulate.</param>
    /// <param name="theta">Rotary base.</param>
    /// <param name="scaling">Frequency scaling (HF rope_scaling); null = none (tables bit-identical to before it existed).</param>
    /// <param name="device">Where the tables live (null = CPU); they are computed in float64 on the CPU and copied once.</param>
    public RotaryEmbedding(string name, int headDim, int contextLength, double theta, RopeScalingConfig? scaling = null, Device? device = null) : base(name)
    {
        using var scope = NewDisposeScope();
        // Held Scalars (see Numerics/ScalarOps: a temporary can be freed by the GC mid-call).
        using var zero = 0.ToScalar();
        using var two = 2.ToScalar();
        using var dim = headDim.ToScalar();
        using var minusLogTheta = (-Math.Log(theta)).ToScalar();
        using var length = contextLength.ToScalar();
        var inverseFrequency = arange(zero, dim, two, dtype: ScalarType.Float64).div_(dim).mul_(minusLogTheta).exp_(); // [h/2]
        if (scaling is not null)
        {
            var scaled = inverseFrequency.data<double>().ToArray(); // build time: a CPU tensor, read once
            scaling.Apply(scaled);
            inverseFrequency = tensor(scaled, ScalarType.Float64); // build time
        }

        var positions = arange(zero, length, ScalarOps.One, dtype: ScalarType.Float64); // [T]
        var angles = outer(positions, inverseFrequency); // [T, h/2]
        var full = cat([angles, angles], dim: -1); // [T, h]
        _cos = full.cos().to(ScalarType.Float32).to(device ?? CPU).MoveToOuterDisposeScope(); // build time: one host->device copy
        _sin = full.sin().to(ScalarType.Float32).to(device ?? CPU).MoveToOuterDisposeScope();
        register_buffer("cos", _cos, persistent: false);
        register_buffer("sin", _sin, persistent: false);
    }

    /// <summary>The first <paramref name="length"/> rows of the tables: ([T, h] cos, [T, h] sin).</summary>
    public (Tensor Cos, Tensor Sin) Slice(long length) => (_cos.narrow(0, 0, length), _sin.narrow(0, 0, length));

    /// <summary>Rotates <paramref name="x"/> [B, H, T, h] by position: x·cos + rotate_half(x)·sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        using var first = x.narrow(-1, 0, half);
        using var second = x.narrow(-1, half, half);
        using var negSecond = second.neg();
        using var rotated = cat([negSecond, first], dim: -1); // rotate_half: (-x2, x1)
        using var a = x.mul(cos);
        using var b = rotated.mul(sin);
        return a.add(b, ScalarOps.One);
    }
}
