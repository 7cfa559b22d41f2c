using QuantScope.Engine.Numerics.Cpu;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Pure functions that put tensors exactly onto a <see cref="FloatFormat"/> grid: round to nearest, ties to even,
/// saturating to ±max (values are clamped first, so ±inf become ±max), NaN stays NaN. Results keep the input dtype
/// (float32 holds every FP8 value exactly). TorchSharp has no float8 arithmetic: this is emulation, not FP8 math.
/// </summary>
public static class FloatQuantizer
{
    /// <summary>
    /// Quantizes without libtorch's float8 dtypes (works for any format). Float32 input in CPU memory takes the one-pass
    /// kernel <see cref="FloatGridKernel"/>, other float32 <see cref="FloatGrid.RoundNearestEven"/> (multiplies, adds and
    /// clamps as tensor ops); other dtypes the exponent emulation
    /// <see cref="QuantizeByExponent"/>. Both are exact and give the same values (tested bit for bit).
    /// </summary>
    /// <param name="x">Any shape, floating dtype.</param>
    /// <param name="format">Target grid.</param>
    /// <returns>A new tensor, same shape and dtype, every finite element on the grid.</returns>
    public static Tensor Quantize(Tensor x, FloatFormat format) =>
        CpuKernel.Applies(x) ? FloatGridKernel.RoundNearestEven(x, format.MantissaBits, format.MinNormalExponent, format.MaxValue)
        : x.dtype == ScalarType.Float32 ? FloatGrid.RoundNearestEven(x, format.MantissaBits, format.MinNormalExponent, format.MaxValue)
        : QuantizeByExponent(x, format);

    /// <summary>
    /// The exponent emulation for any floating dtype: per element e = max(floor(log2|x|), min normal exponent),
    /// spacing = 2^(e - mantissa bits), q = round_half_even(x / spacing) · spacing. Every step is exact because
    /// spacing is a power of two. If log2 is off by one ulp right at a power of two, both neighbouring spacings round
    /// such x to the same grid point, so the result does not change. Slower than the float32 path (log2, exp2).
    /// </summary>
    public static Tensor QuantizeByExponent(Tensor x, FloatFormat format)
    {
        // Held Scalars: a temporary one can be freed by the GC during the native call (TorchSharp 0.107).
        using var minExponent = format.MinNormalExponent.ToScalar();
        using var mantissaBits = format.MantissaBits.ToScalar();
        using var clamped = ScalarOps.ClampSymmetric(x, format.MaxValue); // clamp passes NaN through
        using var exponent = clamped.abs().log2_().floor_().clamp_min_(minExponent); // log2(0) = -inf -> min exponent
        using var spacing = exponent.sub_(mantissaBits).exp2_();
        return clamped.div(spacing).round_().mul_(spacing); // torch.round rounds half to even
    }

    /// <summary>
    /// Quantizes through libtorch's native float8 cast (only for formats with <see cref="FloatFormat.NativeScalarType"/>;
    /// on CPU float32 faster than the tensor ops for E5M2 only, see <see cref="NativeCastIsFaster"/>).
    /// The cast does not saturate, so values are clamped to ±max first.
    /// </summary>
    /// <exception cref="NotSupportedException">The format has no libtorch dtype.</exception>
    public static Tensor QuantizeNative(Tensor x, FloatFormat format)
    {
        var native = format.NativeScalarType
            ?? throw new NotSupportedException($"Format '{format.Name}' has no native libtorch dtype; use Quantize.");
        using var clamped = ScalarOps.ClampSymmetric(x, format.MaxValue);
        return CastThrough(clamped, native, x.dtype);
    }

    /// <summary>
    /// <see cref="QuantizeFastest"/> for a tensor already clamped to ±max by the caller (the fake quantizer clamps
    /// anyway to count the overflow), which the caller no longer needs: in CPU memory the one-pass kernel
    /// (<see cref="FloatGridKernel"/>) rounding <paramref name="clamped"/> in place (returning it); elsewhere the native
    /// cast, or, for float32 of at most one <see cref="ElementChunks"/> piece, the tensor ops rounding it in place without
    /// a second clamp (returning it; <paramref name="signs"/>: the values' signs, e.g. the tensor before the clamp),
    /// else the tensor ops in pieces. Values beyond ±max would not saturate on the native cast and the in-place tensor ops.
    /// </summary>
    internal static Tensor QuantizeClamped(Tensor clamped, Tensor signs, FloatFormat format) =>
        CpuKernel.Applies(clamped) ? RoundingPass.Into(clamped, clamped, new FloatGridKernel.Grid(format))
        : format.NativeScalarType is { } native && UsesNativeCast(clamped, format) ? CastThrough(clamped, native, clamped.dtype)
        : clamped.dtype == ScalarType.Float32 && clamped.numel() <= ElementChunks.Size
            ? FloatGrid.RoundNearestEvenInPlace(clamped, signs, format.MantissaBits, format.MinNormalExponent, null)
            : Quantize(clamped, format);

    /// <summary>
    /// True where libtorch's float8 cast beats the tensor-op or kernel routes on float32 <paramref name="x"/>: off the
    /// CPU only (a GPU casts in one kernel). On the CPU the one-pass kernel (<see cref="FloatGridKernel"/>) is faster
    /// than the cast (measured, issue 25, 4 M values: E4M3 2x a multiply against the cast's 11x; the float8_e5m2 cast,
    /// which goes through float16, 3.6x), and a tensor the kernel does not take is rare enough not to matter.
    /// False for formats without a libtorch dtype.
    /// </summary>
    internal static bool NativeCastIsFaster(FloatFormat format, Tensor x) =>
        format.NativeScalarType is not null && x.device_type != DeviceType.CPU;

    // The native cast where it is the faster exact route: float32 only where it beats FloatGrid's tensor ops, and bfloat16 or
    // float16 always (their tensor-op route is the slower exponent emulation).
    private static bool UsesNativeCast(Tensor x, FloatFormat format) => format.NativeScalarType is not null && x.dtype switch
    {
        ScalarType.Float32 => NativeCastIsFaster(format, x),
        ScalarType.BFloat16 or ScalarType.Float16 => true,
        _ => false,
    };

    private static Tensor CastThrough(Tensor x, ScalarType native, ScalarType back)
    {
        using var narrow = x.to(native);
        return narrow.to(back);
    }

    /// <summary>
    /// The native cast when the format has one and <paramref name="x"/> is bfloat16 or float16, or float32 where the
    /// cast is the faster route (<see cref="NativeCastIsFaster"/>; each of these dtypes converts to float exactly, so the
    /// cast rounds once), else the tensor-op emulation. Both give identical results (tested).
    /// </summary>
    public static Tensor QuantizeFastest(Tensor x, FloatFormat format) =>
        UsesNativeCast(x, format) ? QuantizeNative(x, format) : Quantize(x, format);

    /// <summary>
    /// Every representable non-negative finite value of the format, ascending, starting with 0:
    /// the subnormals k · 2^(min exponent - mantissa bits), then the normals up to <see cref="FloatFormat.MaxValue"/>.
    /// E4M3 has 127 (0x00..0x7E), E5M2 has 124 (0x00..0x7B).
    /// </summary>
    public static IReadOnlyList<double> RepresentableValues(FloatFormat format)
    {
        var steps = 1 << format.MantissaBits;
        var values = new List<double> { 0.0 };
        for (var k = 1; k < steps; k++)
            values.Add(k * format.MinSubnormal);

        for (var e = format.MinNormalExponent; e <= format.MaxExponent; e++)
        {
            for (var m = 0; m < steps; m++)
            {
                var v = (1.0 + (double)m / steps) * Math.Pow(2, e);
                if (v <= format.MaxValue) values.Add(v);
            }
        }

        return values;
    }
}
