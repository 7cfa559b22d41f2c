namespace QuantScope.Engine.Tests;

/// <summary>Compares floats within an absolute tolerance (for sums of products, never for single grid points).</summary>
internal sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;

    public int GetHashCode(float value) => 0;
}
