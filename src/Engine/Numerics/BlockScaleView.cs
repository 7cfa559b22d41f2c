using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// A block-scaled tensor as its format sees it, for statistics: the blocks, each block's dequantization scale
/// (scale_inv: element value × scale_inv = x) and the elements in units of it, recomputed with the format's own scale
/// math (<see cref="MxFormat"/>: 2^sharedExp; <see cref="NvFp4Format"/>: E4M3 block scale / s_global;
/// <see cref="IntFormat"/>: absmax / (2^(n-1) - 1) per channel, group or tensor). The formats themselves are untouched.
/// </summary>
/// <param name="Blocks">The input, [..., blocks, B] (per tensor: [1, N]; per channel: the rows).</param>
/// <param name="Scaled">The elements in scale units (what the element grid rounds), float32, Blocks' shape.</param>
/// <param name="ScaleInv">float64 [..., blocks, 1] dequantization scale of each block.</param>
/// <param name="AtLimit">bool [..., blocks, 1]: the block's scale sits at its scale format's min or max (MX: the E8M0
/// exponent at -127 or 127; NVFP4: the E4M3 scale at 448, or at or below its smallest subnormal 2^-9, 0 included);
/// null for INT-n, whose float32 scales have no such limit.</param>
public sealed record BlockScaleView(Tensor Blocks, Tensor Scaled, Tensor ScaleInv, Tensor? AtLimit) : IDisposable
{
    private static readonly Scalar MinSharedExp = (-127).ToScalar(), MaxSharedExp = 127.ToScalar();
    private static readonly Scalar E2M1Max = 6f.ToScalar(), E4M3TimesE2M1Max = (448f * 6f).ToScalar();
    private static readonly Scalar E4M3Max = 448f.ToScalar(), E4M3MinSubnormal = MathF.ScaleB(1f, -9).ToScalar();

    /// <summary>The view of <paramref name="x"/> under a block format, or null for a per-tensor-scaled format (FP8, HiF8).</summary>
    public static BlockScaleView? Of(Tensor x, INumberFormat format) => format switch
    {
        MxFormat mx => Mx(x, mx),
        NvFp4Format => NvFp4(x),
        NvFp4TileFormat => NvFp4Tiles(x),
        IntFormat i => Int(x, i),
        _ => null,
    };

    /// <summary>True for 2D tiles (<see cref="NvFp4TileFormat"/>), whose blocks are not a plain reshape of the input.</summary>
    public bool Tiled { get; init; }

    /// <summary>Reshapes <paramref name="t"/> (same shape as the input) into <see cref="Blocks"/>' shape.</summary>
    public Tensor Blocked(Tensor t) => Tiled ? NvFp4TileFormat.Tiles(t) : t.reshape(Blocks.shape);

    /// <summary>Back from <see cref="Blocks"/>' shape to the input's <paramref name="shape"/>.</summary>
    public Tensor Unblocked(Tensor t, long[] shape) => Tiled ? NvFp4TileFormat.Untile(t, shape) : t.reshape(shape);

    private static long[] BlockShape(Tensor x, int blockSize)
    {
        var shape = x.dim() == 0 ? [1L] : x.shape;
        var last = shape[^1];
        if (last % blockSize != 0)
            throw new ArgumentException($"Last dim {last} is not divisible by the block size {blockSize}.", nameof(x));
        return [.. shape[..^1], last / blockSize, blockSize];
    }

    private static BlockScaleView Mx(Tensor x, MxFormat format)
    {
        using var scope = NewDisposeScope();
        var blocks = x.to(ScalarType.Float32).reshape(BlockShape(x, format.BlockSize));
        using var elementMaxExp = format.Element.MaxExponent.ToScalar(); // held
        var absmax = FiniteMagnitude.Max(blocks, -1).to(ScalarType.Float64);
        var sharedExp = HiF8Format.ExactFloorLog2(absmax).sub_(elementMaxExp).clamp_(MinSharedExp, MaxSharedExp); // as MxFormat
        var atLimit = sharedExp.eq(MinSharedExp).logical_or_(sharedExp.eq(MaxSharedExp));
        var scaleInv = sharedExp.exp2();
        var scaled = blocks.mul(sharedExp.neg().exp2_().to(ScalarType.Float32)); // exact: a power of two
        return Moved(blocks, scaled, scaleInv, atLimit);
    }

    private static BlockScaleView NvFp4(Tensor x)
    {
        using var scope = NewDisposeScope();
        var blocks = x.to(ScalarType.Float32).reshape(BlockShape(x, NvFp4Format.BlockSize));
        var blockAmax = FiniteMagnitude.Max(blocks, -1);
        var amax = blockAmax.max();
        var sGlobal = where(amax.eq(ScalarOps.Zero), ones_like(amax), full_like(amax, E4M3TimesE2M1Max).div(amax)); // as NvFp4Format
        var blockScale = FloatQuantizer.Quantize(blockAmax.div(E2M1Max).mul(sGlobal), FloatFormat.E4M3);
        var safe = where(blockScale.eq(ScalarOps.Zero), ones_like(blockScale), blockScale);
        var scaled = blocks.mul(sGlobal).div_(safe);
        var atLimit = blockScale.ge(E4M3Max).logical_or_(blockScale.le(E4M3MinSubnormal));
        var scaleInv = blockScale.to(ScalarType.Float64).div(sGlobal.to(ScalarType.Float64));
        return Moved(blocks, scaled, scaleInv, atLimit);
    }

    private static BlockScaleView NvFp4Tiles(Tensor x)
    {
        using var scope = NewDisposeScope();
        var tiles = NvFp4TileFormat.Tiles(x);
        var tileAmax = FiniteMagnitude.Max(tiles, -1);
        var amax = tileAmax.max();
        var sGlobal = where(amax.eq(ScalarOps.Zero), ones_like(amax), full_like(amax, E4M3TimesE2M1Max).div(amax)); // as NvFp4TileFormat
        var tileScale = FloatQuantizer.Quantize(tileAmax.div(E2M1Max).mul(sGlobal), FloatFormat.E4M3);
        var safe = where(tileScale.eq(ScalarOps.Zero), ones_like(tileScale), tileScale);
        var atLimit = tileScale.ge(E4M3Max).logical_or_(tileScale.le(E4M3MinSubnormal));
        var view = Moved(tiles, tiles.mul(sGlobal).div_(safe), tileScale.to(ScalarType.Float64).div(sGlobal.to(ScalarType.Float64)), atLimit);
        return view with { Tiled = true };
    }

    private static BlockScaleView Int(Tensor x, IntFormat format)
    {
        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var blocks = format.Granularity switch
        {
            IntGranularity.PerTensor => xf.reshape(1, -1),
            IntGranularity.PerGroup => xf.reshape(BlockShape(xf, format.GroupSize)),
            _ => xf.dim() == 0 ? xf.reshape(1, 1) : xf,
        };
        using var max = format.MaxValue.ToScalar(); // held
        var scale = FiniteMagnitude.Max(blocks, -1).div(max); // as IntQuantizer
        var safe = where(scale.eq(ScalarOps.Zero), ones_like(scale), scale);
        return Moved(blocks, blocks.div(safe), scale.to(ScalarType.Float64), null);
    }

    private static BlockScaleView Moved(Tensor blocks, Tensor scaled, Tensor scaleInv, Tensor? atLimit) =>
        new(blocks.MoveToOuterDisposeScope(), scaled.MoveToOuterDisposeScope(), scaleInv.MoveToOuterDisposeScope(), atLimit?.MoveToOuterDisposeScope());

    /// <inheritdoc />
    public void Dispose()
    {
        Blocks.Dispose();
        Scaled.Dispose();
        ScaleInv.Dispose();
        AtLimit?.Dispose();
    }
}
