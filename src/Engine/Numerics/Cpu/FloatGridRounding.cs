using System.Numerics;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary><see cref="FloatGridKernel.Grid"/> (FP8/FP4 grids: ties to even, saturating) as an <see cref="IVectorRounding"/>.</summary>
internal readonly struct FloatGridRounding(FloatGridKernel.Grid grid) : IVectorRounding
{
    /// <summary>The grid of <paramref name="format"/>.</summary>
    public FloatGridRounding(FloatFormat format) : this(new FloatGridKernel.Grid(format.MantissaBits, format.MinNormalExponent, (float)format.MaxValue)) { }

    /// <inheritdoc/>
    public Vector<float> Round(Vector<float> x) => grid.Round(x);
}
