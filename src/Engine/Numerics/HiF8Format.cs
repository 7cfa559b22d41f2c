using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Huawei HiFloat8 (HiF8), emulated with float32 tensor ops. With E = floor(log2|x|) the mantissa width tapers:
/// 3 bits for |E| &lt;= 3, 2 bits for |E| &lt;= 7, 1 bit for |E| &lt;= 15, 0 bits for E in [-22, -16]
/// (values in [2^-23, 2^-22) take E = -22). The magnitude is rounded half AWAY from zero at spacing 2^(E - bits);
/// a carry that reaches 2^(E+1) yields that power of two, which every tier can represent (no re-rounding needed).
/// |x| &gt;= 1.25 · 2^15 (the tie above the max 2^15) becomes ±inf; |x| &lt; 2^-23 becomes ±0; NaN stays NaN.
/// </summary>
public sealed class HiF8Format : INumberFormat
{
    private const int MinExponent = -22;
    private const int MaxExponent = 15;
    private const float OverflowThreshold = 40960f; // 1.25 · 2^15

    // Every number handed to TorchSharp is a Scalar held here: a temporary one can be freed by the GC during the
    // native call (TorchSharp 0.107), which crashes or corrupts the op.
    private static readonly Scalar SpacingCap = 32768.0.ToScalar(), Half = 0.5.ToScalar();
    private static readonly Scalar MinExp = MinExponent.ToScalar(), MaxExp = MaxExponent.ToScalar();
    private static readonly Scalar Overflow = OverflowThreshold.ToScalar(), Inf = float.PositiveInfinity.ToScalar();
    private static readonly Scalar NoTier = (-1).ToScalar();
    private static readonly Scalar Three = 3.ToScalar(), Seven = 7.ToScalar(), Fifteen = 15.ToScalar();

    /// <summary>The single HiF8 instance.</summary>
    public static HiF8Format Instance { get; } = new();

    private HiF8Format() { }

    /// <inheritdoc/>
    public string Name => "hif8";

    /// <summary>2^15 = 32768.</summary>
    public double MaxValue => 32768.0;

    /// <summary>2^-15: the smallest value with a mantissa bit; below it the 0-bit tier acts as subnormals.</summary>
    public double MinNormal => Math.Pow(2, -15);

    /// <summary>2^-22.</summary>
    public double MinSubnormal => Math.Pow(2, MinExponent);

    /// <summary>Mantissa width, bits, of the tier for unbiased exponent <paramref name="e"/> in [-22, 15].</summary>
    public static int MantissaBitsForExponent(int e) => Math.Abs(e) switch { <= 3 => 3, <= 7 => 2, <= 15 => 1, _ => 0 };

    /// <inheritdoc/>
    public Tensor QuantizeDequantize(Tensor x) => Quantize(x);

    /// <summary>Quantizes onto the HiF8 grid (see type docs). Same shape and dtype.</summary>
    public static Tensor Quantize(Tensor x)
    {
        using var scope = NewDisposeScope();
        var mag = x.abs();
        var safe = mag.clamp_max(SpacingCap); // keeps inf out of the spacing math; NaN passes
        var e = ExactFloorLog2(safe).clamp_(MinExp, MaxExp);
        var spacing = e.sub(Tier(e)).exp2_();
        var v = safe.div(spacing); // exact: power-of-two spacing
        var whole = v.floor();
        var rounded = whole.add_(v.sub(whole).ge(Half).to(v.dtype), ScalarOps.One).mul_(spacing); // half away from zero, exact
        var q = where(mag.ge(Overflow), full_like(mag, Inf), rounded);
        return q.copysign(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per-element mantissa tier (3, 2, 1 or 0 bits) of the quantized value, as int32; -1 for ±0, ±inf and NaN
    /// (they belong to no tier). Computed from the encoded value, so a carry into the next binade counts there.
    /// </summary>
    public static Tensor MantissaTier(Tensor x)
    {
        using var scope = NewDisposeScope();
        var q = Quantize(x).abs_();
        var e = ExactFloorLog2(q).clamp_(MinExp, MaxExp);
        var tier = Tier(e).to(ScalarType.Int32);
        var special = q.eq(ScalarOps.Zero).logical_or_(q.isinf()).logical_or_(q.isnan());
        return tier.masked_fill_(special, NoTier).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public IReadOnlyList<double> RepresentableValues()
    {
        var values = new List<double> { 0.0 };
        for (var e = MinExponent; e <= MaxExponent; e++)
        {
            var steps = 1 << MantissaBitsForExponent(e);
            for (var m = 0; m < steps; m++)
            {
                var v = (1.0 + (double)m / steps) * Math.Pow(2, e);
                if (v <= MaxValue) values.Add(v); // 1.5 · 2^15 is the overflow code, not a value
            }
        }

        return values;
    }

    private static Tensor Tier(Tensor e)
    {
        var a = e.abs();
        return where(a.le(Three), 3, where(a.le(Seven), 2, where(a.le(Fifteen), 1, 0))).to(e.dtype);
    }

    /// <summary>floor(log2 m) for m &gt; 0, corrected by one where log2 rounds across a power of two.</summary>
    internal static Tensor ExactFloorLog2(Tensor m)
    {
        var e = m.log2().floor_();
        e = where(e.exp2().gt(m), e.sub(ScalarOps.One), e);
        return where(e.add(ScalarOps.One, ScalarOps.One).exp2_().le(m), e.add(ScalarOps.One, ScalarOps.One), e);
    }
}
