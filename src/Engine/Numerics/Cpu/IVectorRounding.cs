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
