using QuantScope.Engine.Numerics.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// OCP MX v1.0 block format: each block of <see cref="BlockSize"/> consecutive values along the last dim shares an
/// E8M0 scale X = 2^(floor(log2 absmax) - emax_elem), exponent clamped to [-127, 127]; elements x / X are put on the
/// <see cref="Element"/> grid (ties to even, saturating to the element max) and dequantized as elem · X.
/// Math runs in float64 (X = 2^-127 is a float32 subnormal) and is exact; the result is cast back to the input dtype.
/// Deviation from the spec, chosen: absmax uses finite elements only, so NaN stays a local NaN and ±inf saturate,
/// instead of the spec's whole-block NaN. An all-zero block gives zeros. Limits and grid are the element's (units of X).
/// A contiguous float32 tensor in CPU memory takes the one-pass block kernel <see cref="MxKernel"/> (the float32
/// route's operations per lane, bit for bit; tested). Measured (issue 25, bench --quick --numerics, 4 M values, shared
/// 2-core machine): mxfp8-e4m3 1.9-2.7x and mxfp4 1.8-2.6x one multiply, 8.5-14.6x on the tensor ops.
/// </summary>
/// <param name="Name">Registry name.</param>
/// <param name="Element">Element format (E4M3, E5M2 or E2M1).</param>
/// <param name="BlockSize">Values per shared scale, 32 in MX v1.0.</param>
public sealed record MxFormat(string Name, FloatFormat Element, int BlockSize = 32) : INumberFormat
{
    // Numbers handed to TorchSharp are Scalars held here: a temporary one can be freed by the GC during the native
    // call (TorchSharp 0.107), which crashes or corrupts the op.
    private static readonly Scalar MinSharedExp = (-127).ToScalar(), MaxSharedExp = 127.ToScalar(); // E8M0 range

    /// <summary>MXFP8 with E4M3 elements (emax 8).</summary>
    public static MxFormat Mxfp8E4M3 { get; } = new("mxfp8-e4m3", FloatFormat.E4M3);

    /// <summary>MXFP8 with E5M2 elements (emax 15).</summary>
    public static MxFormat Mxfp8E5M2 { get; } = new("mxfp8-e5m2", FloatFormat.E5M2);

    /// <summary>MXFP4 with E2M1 elements (emax 2, max 6).</summary>
    public static MxFormat Mxfp4 { get; } = new("mxfp4", FloatFormat.E2M1);

    /// <inheritdoc/>
    public double MaxValue => Element.MaxValue;

    /// <inheritdoc/>
    public double MinNormal => Element.MinNormal;

    /// <inheritdoc/>
    public double MinSubnormal => Element.MinSubnormal;

    /// <inheritdoc/>
    public IReadOnlyList<double> RepresentableValues() => Element.RepresentableValues();

    /// <summary>Quantize-dequantize; the last dim must be divisible by <see cref="BlockSize"/>.</summary>
    /// <exception cref="ArgumentException">The last dim is not a multiple of the block size.</exception>
    public Tensor QuantizeDequantize(Tensor x)
    {
        var last = x.dim() == 0 ? 1 : x.shape[^1];
        if (last % BlockSize != 0)
            throw new ArgumentException($"Last dim {last} is not divisible by the MX block size {BlockSize}.", nameof(x));
        return x.dtype == ScalarType.Float32 ? QuantizeFloat32(x) : QuantizeFloat64(x, last);
    }

    // Float32 input, all in float32: 2^-sharedExp from the blocks' amax by ufp (1/32 of the elements), elements rounded
    // by FloatGrid's rounding (Veltkamp's splitting) or, where that is faster, libtorch's float8 cast (<see cref="FloatQuantizer.NativeCastIsFaster"/>). Exact and
    // equal to the float64 path: x / X = x · 2^-sharedExp is exact (2^-sharedExp is a normal float32 for every float32
    // amax: sharedExp lies in [-127, 125]); a product too small for float32's normals is far below half the element
    // grid's least step, so it rounds to a signed zero on both paths; dividing the element back by 2^-sharedExp rounds
    // once, as the cast of the exact float64 product does. Run in pieces of whole blocks (ElementChunks).
    // A CPU float32 tensor takes the one-pass kernel (MxKernel), the same operations lane by lane. The kernel is made
    // per call (a few constants), not held: a field would take part in this record's equality and survive `with`.
    private Tensor QuantizeFloat32(Tensor x)
    {
        var kernel = new MxKernel(Element, BlockSize);
        return kernel.Applies(x) ? kernel.QuantizeDequantize(x) : QuantizeFloat32ByTensorOps(x);
    }

    /// <summary>The float32 tensor-op route (any device; the reference of <see cref="MxKernel"/>); the last dim is a
    /// multiple of the block size (checked by the caller).</summary>
    internal Tensor QuantizeFloat32ByTensorOps(Tensor x) => ElementChunks.Map(x, (part, _, slot) => QuantizeBlocksFloat32(part, slot));

    // One flat piece of whole blocks (ElementChunks' pieces are multiples of 32 values), written into its slot of the
    // result (a new tensor when the slot is null).
    private Tensor QuantizeBlocksFloat32(Tensor flat, Tensor? slot)
    {
        using var blocks = flat.reshape(-1, BlockSize); // [blocks, 32], a view
        using var inverse = InverseScaleFloat32(blocks); // [blocks, 1]
        var scaled = slot is null ? blocks.mul(inverse) : slot.view(-1, BlockSize).copy_(blocks).mul_(inverse); // exact: power of two
        if (FloatQuantizer.NativeCastIsFaster(Element, scaled))
        {
            var elems = FloatQuantizer.QuantizeNative(scaled, Element);
            if (slot is null)
            {
                scaled.Dispose(); // freed before the next allocation reuses it
                return elems.div_(inverse);
            }

            using (elems) scaled.copy_(elems);
        }
        else
        {
            FloatGrid.RoundNearestEvenInPlace(scaled, blocks, Element.MantissaBits, Element.MinNormalExponent, Element.MaxValue);
        }

        return scaled.div_(inverse);
    }

    // float32 2^-sharedExp = 2^(emax - E), E = floor(log2 amax) clamped to [emax - 127, 127] (amax 0 -> emax - 127):
    // 2^(E - 24) by ufp (scaled down so that float32's max does not overflow; at the bottom it is a subnormal power of
    // two, exact), times 2^(24 - emax), reciprocal: each step exact, the result a normal power of two in [2^-125, 2^127].
    private Tensor InverseScaleFloat32(Tensor blocks)
    {
        using var amax = FiniteMagnitude.Max(blocks, -1);
        using var shift = Math.Pow(2, 24 - Element.MaxExponent).ToScalar(); // held: a temporary Scalar can be freed mid-call
        return FloatGrid.ScaledUfp(amax, Math.Pow(2, Element.MaxExponent - 127), Math.Pow(2, 127), -24).mul_(shift).reciprocal_();
    }

    // Any other dtype: everything in float64 (X = 2^-127 is a float32 subnormal), exact, cast back at the end.
    private Tensor QuantizeFloat64(Tensor x, long last)
    {
        using var scope = NewDisposeScope();
        var shape = x.shape;
        long[] blocked = [.. shape[..^1], last / BlockSize, BlockSize];
        var xd = x.to(ScalarType.Float64).reshape(blocked);
        var inverse = InverseScale(FiniteMagnitude.Max(xd, -1));
        var elems = FloatQuantizer.Quantize(xd.mul(inverse), Element); // exact multiplication by a power of two
        return elems.div_(inverse).reshape(shape).to(x.dtype).MoveToOuterDisposeScope();
    }

    // float64 1/X = 2^-sharedExp with sharedExp = clamp(floor(log2 absmax) - emax, -127, 127); absmax 0 -> 2^127.
    private Tensor InverseScale(Tensor absmax)
    {
        using var elementMaxExp = Element.MaxExponent.ToScalar(); // held: a temporary Scalar can be freed mid-call
        using var exact = absmax.to(ScalarType.Float64);
        var sharedExp = HiF8Format.ExactFloorLog2(exact).sub_(elementMaxExp).clamp_(MinSharedExp, MaxSharedExp); // log2(0) = -inf -> -127
        return sharedExp.neg_().exp2_(); // E8M0 reciprocal, exact in float64 (in place: the caller owns the result)
    }
}
