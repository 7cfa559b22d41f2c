using TorchSharp;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// A small binary floating-point format described as data: sign + <see cref="ExponentBits"/> + <see cref="MantissaBits"/>.
/// Values are (-1)^s · 2^(e - bias) · 1.m for normals and (-1)^s · 2^(1 - bias) · 0.m for subnormals.
/// Quantization saturates to ±<see cref="MaxValue"/> (see <see cref="FloatQuantizer"/>), also for formats with infinities.
/// </summary>
/// <param name="Name">Short lower-case name used in configs (<c>e4m3</c>, <c>e5m2</c>).</param>
/// <param name="ExponentBits">Width of the exponent field, bits.</param>
/// <param name="MantissaBits">Width of the stored mantissa (fraction) field, bits.</param>
/// <param name="Bias">Exponent bias.</param>
/// <param name="MaxValue">Largest finite magnitude; quantization clamps to ±MaxValue.</param>
/// <param name="HasInfinities">True when the format encodes ±infinity (E5M2); E4M3 (OCP "fn") does not.</param>
/// <param name="NativeScalarType">The libtorch dtype for a native cast, when libtorch has this format; null otherwise.</param>
public sealed record FloatFormat(
    string Name,
    int ExponentBits,
    int MantissaBits,
    int Bias,
    double MaxValue,
    bool HasInfinities,
    torch.ScalarType? NativeScalarType) : INumberFormat
{
    /// <summary>OCP FP8 E4M3 ("fn": no infinities): max 448, min normal 2^-6, min subnormal 2^-9. libtorch float8_e4m3fn = 24.</summary>
    public static FloatFormat E4M3 { get; } = new("e4m3", 4, 3, 7, 448.0, false, (torch.ScalarType)24);

    /// <summary>OCP FP8 E5M2 (IEEE-like, has infinities): max 57344, min normal 2^-14, min subnormal 2^-16. libtorch float8_e5m2 = 23.</summary>
    public static FloatFormat E5M2 { get; } = new("e5m2", 5, 2, 15, 57344.0, true, (torch.ScalarType)23);

    /// <summary>OCP FP4 E2M1 (MX spec, no infinities or NaN): bias 1, grid 0, 0.5, 1, 1.5, 2, 3, 4, 6; min subnormal 0.5.</summary>
    public static FloatFormat E2M1 { get; } = new("e2m1", 2, 1, 1, 6.0, false, null);

    /// <summary>Quantize-dequantize by the fastest exact route, see <see cref="FloatQuantizer.QuantizeFastest"/>.</summary>
    public torch.Tensor QuantizeDequantize(torch.Tensor x) => FloatQuantizer.QuantizeFastest(x, this);

    /// <summary>See <see cref="FloatQuantizer.RepresentableValues"/>.</summary>
    public IReadOnlyList<double> RepresentableValues() => FloatQuantizer.RepresentableValues(this);

    /// <summary>Unbiased exponent of the smallest normal value (1 - bias); subnormals share this exponent's spacing.</summary>
    public int MinNormalExponent => 1 - Bias;

    /// <summary>Unbiased exponent of <see cref="MaxValue"/>.</summary>
    public int MaxExponent => (int)Math.Floor(Math.Log2(MaxValue));

    /// <summary>Smallest positive normal value, 2^(1 - bias).</summary>
    public double MinNormal => Math.Pow(2, MinNormalExponent);

    /// <summary>Smallest positive subnormal value, 2^(1 - bias - mantissa bits).</summary>
    public double MinSubnormal => Math.Pow(2, MinNormalExponent - MantissaBits);

    /// <summary>Looks a format up by its config name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is not a known format.</exception>
    public static FloatFormat FromName(string name) => name.ToLowerInvariant() switch
    {
        "e4m3" => E4M3,
        "e5m2" => E5M2,
        "e2m1" => E2M1,
        _ => throw new ArgumentException($"Unknown float format '{name}'.", nameof(name)),
    };
}
