using System.Numerics;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// One grid's rounding of a vector of float32 values, as a struct so that a generic kernel
/// (<see cref="FakeQuantKernel"/>) is compiled once per grid with the rounding inlined (no call or branch per vector).
/// </summary>
internal interface IVectorRounding
{
    /// <summary>
    /// <paramref name="x"/> rounded onto the grid, each value saturating at ±max (values beyond it come back as ±max
    /// or, for HiF8 above its overflow tie, ±inf); NaN stays NaN, the sign of zero is kept.
    /// </summary>
    Vector<float> Round(Vector<float> x);
}

/// <summary><see cref="FloatGridKernel.Grid"/> (FP8/FP4 grids: ties to even, saturating) as an <see cref="IVectorRounding"/>.</summary>
internal readonly struct FloatGridRounding(FloatGridKernel.Grid grid) : IVectorRounding
{
    /// <summary>The grid of <paramref name="format"/>.</summary>
    public FloatGridRounding(FloatFormat format) : this(new FloatGridKernel.Grid(format.MantissaBits, format.MinNormalExponent, (float)format.MaxValue)) { }

    /// <inheritdoc/>
    public Vector<float> Round(Vector<float> x) => grid.Round(x);
}
