using QuantScope.Engine.Numerics.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// NVFP4 as in Transformer Engine's recipe, float32 math:
/// s_global = (448 · 6) / amax_tensor (1 when amax is 0); per 16-value block along the last dim
/// block_scale = E4M3(amax_block / 6 · s_global); q = E2M1(x · s_global / block_scale) (ties to even, saturating);
/// result = q · block_scale / s_global. Blocks whose E4M3 scale is 0 give zeros. amax values use finite elements
/// only (NaN stays a local NaN, ±inf saturate). Limits and grid are E2M1's, in units of block_scale / s_global.
/// A contiguous float32 tensor in CPU memory takes the block kernel <see cref="NvFp4Kernel"/> (two passes over its
/// memory, the same float32 operations per lane, bit for bit; tested); others the tensor ops, whose elementwise part
/// runs in pieces (<see cref="ElementChunks"/>). Measured (issue 25, bench --quick --numerics, 4 M values, shared
/// 2-core machine, four runs): 3.1-4.9x one multiply on the kernel, 12-18x on the tensor ops.
/// </summary>
public sealed class NvFp4Format : INumberFormat
{
    // Numbers handed to TorchSharp are Scalars held here: a temporary one can be freed by the GC during the native
    // call (TorchSharp 0.107), which crashes or corrupts the op.
    private static readonly Scalar E2M1Max = 6f.ToScalar(), E4M3TimesE2M1Max = (448f * 6f).ToScalar();

    /// <summary>Values per E4M3 block scale.</summary>
    public const int BlockSize = 16;

    /// <summary>The single NVFP4 instance.</summary>
    public static NvFp4Format Instance { get; } = new();

    private NvFp4Format() { }

    /// <inheritdoc/>
    public string Name => "nvfp4";

    /// <inheritdoc/>
    public double MaxValue => FloatFormat.E2M1.MaxValue;

    /// <inheritdoc/>
    public double MinNormal => FloatFormat.E2M1.MinNormal;

    /// <inheritdoc/>
    public double MinSubnormal => FloatFormat.E2M1.MinSubnormal;

    /// <inheritdoc/>
    public IReadOnlyList<double> RepresentableValues() => FloatFormat.E2M1.RepresentableValues();

    /// <summary>Quantize-dequantize; the last dim must be divisible by 16.</summary>
    /// <exception cref="ArgumentException">The last dim is not a multiple of 16.</exception>
    public Tensor QuantizeDequantize(Tensor x)
    {
        var last = x.dim() == 0 ? 1 : x.shape[^1];
        if (last % BlockSize != 0)
            throw new ArgumentException($"Last dim {last} is not divisible by the NVFP4 block size {BlockSize}.", nameof(x));
        return NvFp4Kernel.Applies(x, BlockSize) ? NvFp4Kernel.QuantizeDequantize(x) : QuantizeDequantizeByTensorOps(x);
    }

    /// <summary>The tensor-op route (any device and dtype; the reference of <see cref="NvFp4Kernel"/>); the last dim is
    /// a multiple of 16 (checked by the caller).</summary>
    internal static Tensor QuantizeDequantizeByTensorOps(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32); // no copy for float32 input
        var blockAmax = FiniteMagnitude.Max(xf.reshape(-1, BlockSize), -1); // [blocks, 1] finite elements only
        var amax = blockAmax.max();
        var sGlobal = where(amax.eq(ScalarOps.Zero), ones_like(amax), full_like(amax, E4M3TimesE2M1Max).div(amax));
        var blockScale = FloatQuantizer.Quantize(blockAmax.div(E2M1Max).mul(sGlobal), FloatFormat.E4M3);
        var safe = where(blockScale.eq(ScalarOps.Zero), ones_like(blockScale), blockScale);
        var q = ElementChunks.Map(xf, (part, start, slot) =>
        {
            using var blocks = part.reshape(-1, BlockSize);
            using var pieceScale = blockScale.narrow(0, start / BlockSize, blocks.shape[0]);
            using var pieceSafe = safe.narrow(0, start / BlockSize, blocks.shape[0]);
            var scaled = (slot is null ? blocks.mul(sGlobal) : slot.view(-1, BlockSize).copy_(blocks).mul_(sGlobal)).div_(pieceSafe); // two roundings, in this order (the recipe's)
            var e2m1 = FloatGrid.RoundNearestEvenInPlace(scaled, blocks, FloatFormat.E2M1.MantissaBits, FloatFormat.E2M1.MinNormalExponent, FloatFormat.E2M1.MaxValue);
            return e2m1.mul_(pieceScale).div_(sGlobal);
        });
        return q.to(x.dtype).MoveToOuterDisposeScope();
    }
}
