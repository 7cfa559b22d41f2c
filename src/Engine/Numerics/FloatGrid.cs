using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Float32 grid rounding with a handful of cheap elementwise passes (multiplies, adds, clamps), no log2, exp2, where
/// or comparisons. TorchSharp 0.107 cannot view float32 bits as int32, so exponents and roundings come from arithmetic:
/// <para>
/// ufp(a) (the unit in the first place, 2^floor(log2 a)) is Rump's three-operation formula for round-to-nearest
/// binary32: q = fl(φ·a), r = fl((1 - 2^-24)·q), ufp = q - r, with φ = 2^23 + 1. Scaling φ by a power of two scales
/// the result exactly. Valid for normal a up to ~2^104 (no overflow of φ·a); callers clamp first. (MX block scales and
/// HiF8's spacing use it.)
/// </para>
/// <para>
/// Rounding a ≥ 0 to m mantissa bits is Veltkamp's splitting: c = fl(σ·a) with σ = 2^(23 - m) + 1, then
/// h = fl(c - fl(c - a)) is a rounded to nearest on m bits, ties to even (checked on every non-negative float32 for
/// E4M3, E5M2 and E2M1). Below the format's smallest normal 2^emin the spacing must stay 2^(emin - m) (subnormals):
/// c is clamped from below to K = σ·2^emin, so that for a &lt; 2^emin the difference c - a = K - a lies in the binade
/// [2^(emin + 23 - m), 2^(emin + 24 - m)), whose float32 ulp is exactly 2^(emin - m), and K - fl(K - a) is a rounded
/// there (K is an even multiple of that spacing, so ties go to even); for a ≥ 2^emin, c ≥ K already. Every step is
/// exact or a single correctly rounded operation: the results are bit-identical to the exponent/log2 emulation (tested).
/// </para>
/// </summary>
internal static class FloatGrid
{
    /// <summary>φ = 2^23 + 1 (exact in float32).</summary>
    private const double Phi = 8388609.0;

    /// <summary>1 - 2^-24 (exact in float32).</summary>
    private static readonly Scalar OneMinusU = (1.0 - Math.Pow(2, -24)).ToScalar();

    /// <summary>
    /// A new float32 tensor 2^k · ufp(clamp(a, floor, ceiling)) for a ≥ 0 (or NaN). <paramref name="floor"/> and
    /// <paramref name="ceiling"/> must be normal float32 powers of two with 2^k · ceiling below 2^104 and 2^k · floor at
    /// least 2^-126 · 2^-23 (then φ·2^k·floor is normal; the result itself may be a subnormal power of two, exactly).
    /// </summary>
    /// <param name="a">Non-negative float32 magnitudes (NaN passes through; +inf gives the ceiling).</param>
    /// <param name="floor">Lower bound applied before ufp (a power of two).</param>
    /// <param name="ceiling">Upper bound applied before ufp (a power of two).</param>
    /// <param name="k">Power of two the result is scaled by.</param>
    public static Tensor ScaledUfp(Tensor a, double floor, double ceiling, int k)
    {
        using var phi = (Phi * Math.Pow(2, k)).ToScalar(); // held: a temporary Scalar can be freed mid-call
        using var low = (Phi * Math.Pow(2, k) * floor).ToScalar(); // fl(φ·2^k·floor) is exact: floor is a power of two
        using var high = (Phi * Math.Pow(2, k) * ceiling).ToScalar(); // exact too
        var q = a.mul(phi).clamp_(low, high); // = fl(φ·2^k·clamp(a, floor, ceiling)): rounding is monotone
        using var r = q.mul(OneMinusU);
        return q.sub_(r); // 2^k · ufp
    }

    /// <summary>
    /// A new float32 tensor ufp(clamp(|n|, floor, ceiling)) for n ≤ 0 (or NaN): <see cref="ScaledUfp"/> (k = 0) on the
    /// mirrored values, with the last subtraction turned round so that the result is positive. Same bounds as there.
    /// </summary>
    /// <param name="n">Non-positive float32 values, e.g. -|x| (NaN passes through; -inf gives the ceiling).</param>
    /// <param name="floor">Lower bound of |n| applied before ufp (a power of two).</param>
    /// <param name="ceiling">Upper bound of |n| applied before ufp (a power of two).</param>
    public static Tensor NegativeUfp(Tensor n, double floor, double ceiling)
    {
        using var phi = Phi.ToScalar(); // held: a temporary Scalar can be freed mid-call
        using var low = (-Phi * ceiling).ToScalar(); // exact: ceiling is a power of two
        using var high = (-Phi * floor).ToScalar();
        using var q = n.mul(phi).clamp_(low, high); // = fl(φ·clamp(n, -ceiling, -floor)): rounding is monotone
        return q.mul(OneMinusU).sub_(q); // r - q = -(q - r) = ufp, exactly (q is freed here, before the caller's next allocation)
    }

    /// <summary>
    /// Rounds float32 <paramref name="x"/> onto a binary float grid with <paramref name="mantissaBits"/> stored bits,
    /// smallest normal exponent <paramref name="minNormalExponent"/> (below it the spacing stays 2^(emin - m):
    /// subnormals), ties to even, saturating at ±<paramref name="maxValue"/> (±inf become ±max); NaN stays NaN and the
    /// sign of zero is kept. A new tensor; 7 elementwise passes (one temporary, freed inside) written into the result's
    /// slots, run in pieces (<see cref="ElementChunks"/>).
    /// </summary>
    public static Tensor RoundNearestEven(Tensor x, int mantissaBits, int minNormalExponent, double maxValue)
    {
        return ElementChunks.Map(x, (part, _, slot) => RoundMagnitudes(slot is null ? part.abs() : slot.copy_(part).abs_(), part, mantissaBits, minNormalExponent, maxValue));
    }

    /// <summary>
    /// <see cref="RoundNearestEven"/> written into <paramref name="values"/> (a float32 tensor the caller owns and no
    /// longer needs; may hold signed values or magnitudes), signed like <paramref name="signs"/> (the same signs as
    /// values, broadcastable). Returns <paramref name="values"/>. A null <paramref name="maxValue"/> says the values are
    /// already within ±max (clamped by the caller): one pass fewer.
    /// </summary>
    public static Tensor RoundNearestEvenInPlace(Tensor values, Tensor signs, int mantissaBits, int minNormalExponent, double? maxValue)
    {
        return RoundMagnitudes(values.abs_(), signs, mantissaBits, minNormalExponent, maxValue);
    }

    // RoundNearestEvenInPlace for values that are already magnitudes (|x| or NaN): Veltkamp's splitting (see the type),
    // after the clamp to maxValue (null: none needed).
    private static Tensor RoundMagnitudes(Tensor magnitudes, Tensor signs, int mantissaBits, int minNormalExponent, double? maxValue)
    {
        var sigma = Math.Pow(2, 23 - mantissaBits) + 1; // σ = 2^(23 - m) + 1, exact in float32
        using var split = sigma.ToScalar(); // held: a temporary Scalar can be freed mid-call
        using var floor = (sigma * Math.Pow(2, minNormalExponent)).ToScalar(); // K = σ·2^emin, exact: at most 24 bits
        using var max = maxValue?.ToScalar();
        var a = max is null ? magnitudes : magnitudes.clamp_max_(max); // clamp passes NaN through
        using var c = a.mul(split).clamp_min_(floor); // c = max(fl(σ·a), K): monotone, so c ≥ K exactly where a ≥ 2^emin
        a.sub_(c); // a - c = -fl(c - a): round to nearest is symmetric
        return a.add_(c, ScalarOps.One).copysign_(signs); // c - fl(c - a) = a on the grid, exact; the sign of x last (NaN stays NaN)
    }
}
