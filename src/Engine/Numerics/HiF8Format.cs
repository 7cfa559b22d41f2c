using QuantScope.Engine.Numerics.Cpu;
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
    private static readonly Scalar MinusOverflowCode = (-49152f).ToScalar(), MinusInf = float.NegativeInfinity.ToScalar(); // -1.5 · 2^15
    private static readonly Scalar MinusHalfBelow = (-(0.5f - MathF.ScaleB(1f, -25))).ToScalar(); // -(1/2 - 2^-25), exact in float32
    private static readonly Scalar OneEighth = 0.125.ToScalar(), OneQuarter = 0.25.ToScalar();
    private static readonly Scalar EdgeFour = Math.Pow(2, -6).ToScalar(), EdgeEight = Math.Pow(2, -7).ToScalar(), EdgeSixteen = Math.Pow(2, -15).ToScalar();

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

    /// <summary>
    /// Quantizes onto the HiF8 grid (see type docs). Same shape and dtype. Float32 in CPU memory takes the one-pass
    /// kernel <see cref="HiF8Kernel"/> (about 2x a multiply, against 14-16x for the tensor ops), other float32 the
    /// tensor-op route <see cref="QuantizeTensorOps"/>, other dtypes <see cref="QuantizeByExponent"/>; all bit-identical (tested).
    /// </summary>
    public static Tensor Quantize(Tensor x) =>
        CpuKernel.Applies(x) ? HiF8Kernel.Quantize(x)
        : x.dtype == ScalarType.Float32 ? QuantizeTensorOps(x)
        : QuantizeByExponent(x);

    /// <summary>The float32 tensor-op route on any device (the reference of <see cref="HiF8Kernel"/>): see <see cref="QuantizeFloat32"/>.</summary>
    internal static Tensor QuantizeTensorOps(Tensor x) => ElementChunks.Map(x, (part, _, slot) => QuantizeFloat32(part, slot));

    /// <summary>
    /// The float32 path, cheap elementwise passes only (no log2, exp2, where or masks), on negative magnitudes
    /// n = -|x|: U = 2^E = ufp(clamp(|x|, 2^-22, 2^15)) (<see cref="FloatGrid.NegativeUfp"/>); V = max(U, 1/U) = 2^|E|;
    /// the spacing s = U · 2^-bits(E) from three clamps that are each 1 or 2 because V is a power of two (one per tier
    /// edge |E| = 4, 8, 16); -q = ceil(n / s - c) · s with c = 1/2 - 2^-25, which is -floor(|x| / s + 1/2) · s (half away
    /// from zero): n / s is exact, and the add rounds to the next integer only at a tie, where 1/2 would too, while for
    /// |x| / s just below 1/2 (|x| just below 2^-23) it stays below, where 1/2 would round up. -q ≤ -1.5 · 2^15 (the
    /// overflow code, reached exactly from |x| ≥ 1.25 · 2^15) becomes -inf by one threshold; the sign of x last.
    /// Equal to <see cref="QuantizeByExponent"/> bit for bit (tested). Run in pieces (<see cref="ElementChunks"/>),
    /// written into the piece's <paramref name="slot"/> of the result (a new tensor when null).
    /// </summary>
    private static Tensor QuantizeFloat32(Tensor x, Tensor? slot)
    {
        // Temporaries are disposed as soon as they are spent: a freed 16 MB buffer is reused by the next allocation,
        // whereas several freed at once at the end can be handed back to the OS and faulted in again on the next call.
        var n = (slot is null ? x.abs() : slot.copy_(x).abs_()).neg_(); // -|x|; NaN stays NaN
        using var spacing = FloatGrid.NegativeUfp(n, Math.Pow(2, MinExponent), Math.Pow(2, MaxExponent)); // U = 2^E, E in [-22, 15]
        using (var v = spacing.reciprocal().clamp_(spacing, null)) // V = max(1/U, U) = 2^|E|, exact
        {
            using (var edge = v.mul(EdgeFour).clamp_(OneEighth, OneQuarter)) spacing.mul_(edge); // 2^-3, or 2^-2 from |E| = 4 on
            using (var edge = v.mul(EdgeEight).clamp_(ScalarOps.One, ScalarOps.Two)) spacing.mul_(edge); // x2 from |E| = 8 on
            spacing.mul_(v.mul_(EdgeSixteen).clamp_(ScalarOps.One, ScalarOps.Two)); // x2 from |E| = 16 on
        }

        n.div_(spacing).add_(MinusHalfBelow, ScalarOps.One).ceil_().mul_(spacing); // -floor(|x| / s + 1/2) · s, exact
        return n.threshold_(MinusOverflowCode, MinusInf).copysign_(x); // NaN compares false and stays NaN
    }

    /// <summary>The exponent emulation for any floating dtype (log2, exp2, where): the reference of the float32 path.</summary>
    public static Tensor QuantizeByExponent(Tensor x)
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
