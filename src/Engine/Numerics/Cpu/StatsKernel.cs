using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// The smallest nonzero magnitude as a one-pass CPU kernel (<see cref="CpuKernel"/>), shared by the statistics' kernels.
/// Only for tensors in CPU memory (the run's device then), so reading a value is a load, not a device sync.
/// </summary>
internal static class StatsKernel
{
    /// <summary>
    /// The smallest nonzero |x| of <paramref name="values"/> (+∞ when every element is ±0) and whether any is NaN, in one
    /// vector pass. Exact: a min selects one of the values.
    /// </summary>
    public static (float Smallest, bool AnyNaN) SmallestNonzeroMagnitude(ReadOnlySpan<float> values)
    {
        var width = Vector<float>.Count;
        var whole = values.Length - values.Length % width;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values[..whole]);
        var infinity = new Vector<float>(float.PositiveInfinity);
        var smallest = infinity;
        var nan = Vector<int>.Zero;
        foreach (var x in vectors)
        {
            var a = Vector.Abs(x);
            nan |= ~Vector.Equals(a, a);
            smallest = Vector.MinNative(smallest, Vector.ConditionalSelect(Vector.Equals(a, Vector<float>.Zero), infinity, a)); // NaN lanes: flagged above
        }

        var min = float.PositiveInfinity;
        for (var i = 0; i < width; i++) min = Math.Min(min, smallest[i]);
        var anyNaN = nan != Vector<int>.Zero;
        foreach (var x in values[whole..])
        {
            var a = MathF.Abs(x);
            if (float.IsNaN(a)) anyNaN = true;
            else if (a != 0 && a < min) min = a;
        }

        return (min, anyNaN);
    }

    /// <summary>
    /// <see cref="SmallestNonzeroMagnitude(ReadOnlySpan{float})"/> of a float32 CPU tensor (<see cref="CpuKernel.Applies"/>),
    /// over <see cref="CpuKernel.Parts"/> parts merged in order: NaN when any element is NaN, else the smallest nonzero |x|.
    /// </summary>
    public static float SmallestNonzeroMagnitude(Tensor x)
    {
        var count = x.numel();
        var parts = CpuKernel.Parts(count);
        var smallest = new float[parts];
        var nan = new bool[parts];
        CpuKernel.For(count, parts, (part, start, length) =>
            (smallest[part], nan[part]) = SmallestNonzeroMagnitude(CpuKernel.Floats(x).Slice(start, length)));
        return nan.Any(n => n) ? float.NaN : smallest.Min();
    }
}
