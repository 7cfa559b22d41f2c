using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// The range of magnitudes (amax and smallest nonzero) as a one-pass CPU kernel (<see cref="CpuKernel"/>), shared by the
/// statistics' kernels.
/// Only for tensors in CPU memory (the run's device then), so reading a value is a load, not a device sync.
/// </summary>
internal static class StatsKernel
{
    /// <summary>
    /// The largest and the smallest nonzero |x| of <paramref name="values"/> (+∞ when every element is ±0; 0 is the
    /// identity of the max) and whether any is NaN, in one vector pass. Exact: a max or min selects one of the values.
    /// </summary>
    public static (float Amax, float Smallest, bool AnyNaN) Range(ReadOnlySpan<float> values)
    {
        var width = Vector<float>.Count;
        var whole = values.Length - values.Length % width;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values[..whole]);
        var infinity = new Vector<float>(float.PositiveInfinity);
        var smallest = infinity;
        var largest = Vector<float>.Zero;
        var nan = Vector<int>.Zero;
        foreach (var x in vectors)
        {
            var a = Vector.Abs(x);
            nan |= ~Vector.Equals(a, a);
            largest = Vector.MaxNative(largest, a); // NaN lanes: flagged above
            smallest = Vector.MinNative(smallest, Vector.ConditionalSelect(Vector.Equals(a, Vector<float>.Zero), infinity, a));
        }

        float min = float.PositiveInfinity, max = 0;
        for (var i = 0; i < width; i++) (min, max) = (Math.Min(min, smallest[i]), Math.Max(max, largest[i]));
        var anyNaN = nan != Vector<int>.Zero;
        foreach (var x in values[whole..])
        {
            var a = MathF.Abs(x);
            if (float.IsNaN(a)) anyNaN = true;
            else
            {
                if (a != 0 && a < min) min = a;
                if (a > max) max = a;
            }
        }

        return (max, min, anyNaN);
    }

    /// <summary>
    /// <see cref="Range(ReadOnlySpan{float})"/> of a float32 CPU tensor (<see cref="CpuKernel.Applies"/>) over
    /// <see cref="CpuKernel.Parts"/> parts (<see cref="CpuKernel.StatsMinPerThread"/>) merged in order: the amax (as <see cref="Quantization.ScaleMath.Amax"/>) and
    /// the smallest nonzero |x|, both NaN when any element is NaN.
    /// </summary>
    public static (float Amax, float Smallest) Range(Tensor x)
    {
        var count = x.numel();
        var parts = CpuKernel.Parts(count, CpuKernel.StatsMinPerThread);
        var results = new (float Amax, float Smallest, bool AnyNaN)[parts];
        CpuKernel.For(count, parts, (part, start, length) => results[part] = Range(CpuKernel.Floats(x).Slice(start, length)));
        return results.Any(r => r.AnyNaN) ? (float.NaN, float.NaN) : (results.Max(r => r.Amax), results.Min(r => r.Smallest));
    }

    /// <summary>The smallest nonzero |x| of a float32 CPU tensor (<see cref="Range(Tensor)"/>): NaN when any element is NaN.</summary>
    public static float SmallestNonzeroMagnitude(Tensor x) => Range(x).Smallest;
}
