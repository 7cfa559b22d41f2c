using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// Stochastic rounding onto a format's grid, without touching the formats' own (round-to-nearest-even) code: for a
/// value v between grid neighbours lo ≤ v &lt; hi, the result is hi when u &lt; (v - lo) / (hi - lo), else lo, with u
/// uniform in [0, 1) — so E[result] = v exactly (within the range; beyond ±max values saturate first). Float grids:
/// spacing d = 2^(max(floor(log2|v|), emin) - mantissa bits), lo = floor(|v| / d)·d (exact: power-of-two scaling),
/// and hi = lo + d is on the grid (the next binade's first value, or the max). Block formats (MX, NVFP4, INT-n) round
/// their elements in units of their own block scales (<see cref="BlockScaleView"/>). Given u the result is exact and
/// deterministic; u comes from a seeded generator.
/// </summary>
public static class StochasticRounding
{
    /// <summary>True when <paramref name="format"/> can be rounded stochastically (every known format but HiF8).</summary>
    public static bool Supports(INumberFormat format) => format is FloatFormat or MxFormat or NvFp4Format or NvFp4TileFormat or IntFormat;

    /// <summary>
    /// v (float32, |v| ≤ the format max) rounded onto <paramref name="format"/>'s grid by <paramref name="u"/>
    /// (uniform [0, 1), v's shape). NaN stays NaN.
    /// </summary>
    public static Tensor OntoFloatGrid(Tensor v, FloatFormat format, Tensor u)
    {
        using var scope = NewDisposeScope();
        using var minExp = format.MinNormalExponent.ToScalar(); // held
        using var bits = format.MantissaBits.ToScalar();
        using var max = format.MaxValue.ToScalar();
        var magnitude = v.abs();
        var exponent = HiF8Format.ExactFloorLog2(magnitude).clamp_min_(minExp); // log2(0) = -inf -> emin
        var spacing = exponent.sub_(bits).exp2_();
        var units = magnitude.div(spacing); // exact: a power of two
        var lower = units.floor();
        var up = u.lt(units.sub(lower)).to(ScalarType.Float32); // 1 with probability frac
        var result = lower.add_(up, ScalarOps.One).mul_(spacing).clamp_max_(max); // the clamp only guards rounding at the max
        return result.mul_(v.sign()).MoveToOuterDisposeScope(); // sign(NaN) = NaN keeps NaN
    }

    /// <summary>
    /// Stochastic quantize-dequantize of <paramref name="x"/> onto a block format (elements in units of each block's
    /// scale_inv, then back), drawing u from <paramref name="generator"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A format without block scales (use <see cref="OntoFloatGrid"/> after scaling).</exception>
    public static Tensor QuantizeBlocks(Tensor x, INumberFormat format, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var view = BlockScaleView.Of(x, format) ?? throw new ArgumentException($"'{format.Name}' has no block scales.", nameof(format));
        var scaled = view.Scaled;
        var u = rand(scaled.shape, device: scaled.device, generator: generator);
        Tensor elements;
        if (format is IntFormat i)
        {
            using var max = i.MaxValue.ToScalar(); // held
            using var min = (-(i.MaxValue + 1)).ToScalar();
            elements = scaled.add(u, ScalarOps.One).floor_().clamp_(min, max); // floor(v + u): up with probability frac(v)
        }
        else
        {
            var element = format is MxFormat mx ? mx.Element : FloatFormat.E2M1;
            elements = OntoFloatGrid(ScalarOps.ClampSymmetric(scaled, element.MaxValue), element, u);
        }

        var result = elements.to(ScalarType.Float64).mul_(view.ScaleInv).to(x.dtype);
        return view.Unblocked(result, x.shape).MoveToOuterDisposeScope();
    }
}
