using System.Numerics;
using System.Runtime.InteropServices;
using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization.Cpu;

/// <summary>
/// The CPU route of a watched high-precision gradient's stats-step statistics (<see cref="GradWhatIfStats"/>,
/// <see cref="RangeStats"/>): one vector pass over g computes its amax, its smallest nonzero |g|, and with
/// v = |g|·s (the shadow E5M2 scale s; one float32 multiply, as the tensor route's) the counts of v &gt; 0 and of v above
/// each what-if limit (2^-17, 2^-3, 57344), NaN counted as above every limit as the tensor route's +∞ does. The
/// tensor-op route took about 14 passes and temporaries for the same numbers. Every result is exact (counts, a max, a
/// min), so it equals the tensor route's bit for bit whatever the thread count.
/// </summary>
internal static class GradWatchKernel
{
    /// <summary>The what-if limits on v = |g·s_E5M2|, float32 (E5M2 flush, E4M3 flush, overflow), as <see cref="GradWhatIfStats"/>'.</summary>
    public static readonly float[] Limits = [MathF.ScaleB(1, -17), MathF.ScaleB(1, -3), 57344f];

    /// <summary>One pass's results: exact counts over all elements and the two magnitudes.</summary>
    /// <param name="Amax">max |g| (NaN when one is NaN; 0 for an all-zero tensor).</param>
    /// <param name="SmallestNonzero">min nonzero |g| (+∞ when all are 0; NaN when one is NaN).</param>
    /// <param name="Nonzero">Elements with v &gt; 0 or NaN.</param>
    /// <param name="AboveE5M2Flush">Elements with v &gt; 2^-17 or NaN.</param>
    /// <param name="AboveE4M3Flush">Elements with v &gt; 2^-3 or NaN.</param>
    /// <param name="Overflow">Elements with v &gt; 57344 or NaN.</param>
    public readonly record struct Result(float Amax, float SmallestNonzero, long Nonzero, long AboveE5M2Flush, long AboveE4M3Flush, long Overflow)
    {
        /// <summary>
        /// float64 [e5m2 overflow, e5m2 underflow, e4m3 overflow, e4m3 underflow] fractions of <paramref name="elements"/>,
        /// as <see cref="GradWhatIfStats.Observe"/>' (the same integer counts, each divided by the count in float64).
        /// </summary>
        public double[] Fractions(long elements)
        {
            double n = elements;
            return [Overflow / n, (Nonzero - AboveE5M2Flush) / n, Overflow / n, (Nonzero - AboveE4M3Flush) / n];
        }
    }

    /// <summary>
    /// <see cref="Measure(ReadOnlySpan{float}, float)"/> of a float32 CPU tensor (<see cref="CpuKernel.Applies"/>) over
    /// <see cref="CpuKernel.Parts"/> parts (of at least <see cref="CpuKernel.StatsMinPerThread"/> elements) merged in part order.
    /// </summary>
    public static Result Measure(Tensor g, float scale)
    {
        var count = g.numel();
        var parts = CpuKernel.Parts(count, CpuKernel.StatsMinPerThread);
        if (parts == 1) return Measure(CpuKernel.Floats(g), scale);
        var results = new Result[parts];
        CpuKernel.For(count, parts, (part, start, length) => results[part] = Measure(CpuKernel.Floats(g).Slice(start, length), scale));
        return results.Aggregate(Merge);
    }

    /// <summary>The counts and magnitudes of <paramref name="g"/> under the shadow scale <paramref name="scale"/> (&gt; 0, finite), in one vector pass.</summary>
    public static Result Measure(ReadOnlySpan<float> g, float scale)
    {
        var width = Vector<float>.Count;
        var whole = g.Length - g.Length % width;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(g[..whole]);
        var s = new Vector<float>(scale);
        var (l0, l1, l2) = (new Vector<float>(Limits[0]), new Vector<float>(Limits[1]), new Vector<float>(Limits[2]));
        var infinity = new Vector<float>(float.PositiveInfinity);
        Vector<float> max = Vector<float>.Zero, smallest = infinity;
        Vector<int> nan = Vector<int>.Zero, nonzero = Vector<int>.Zero, c0 = Vector<int>.Zero, c1 = Vector<int>.Zero, c2 = Vector<int>.Zero;
        // Lane counters are int: a part holds at most int.MaxValue / 4 elements, so no lane passes 2^28.
        foreach (var x in vectors)
        {
            var a = Vector.Abs(x);
            var isNaN = ~Vector.Equals(a, a); // -1 on NaN lanes
            nan -= isNaN;
            max = Vector.MaxNative(max, a); // NaN lanes: counted above, the result is NaN then
            smallest = Vector.MinNative(smallest, Vector.ConditionalSelect(Vector.Equals(a, Vector<float>.Zero), infinity, a));
            var v = a * s;
            nonzero -= Vector.GreaterThan(v, Vector<float>.Zero); // comparisons give -1 per true lane
            c0 -= Vector.GreaterThan(v, l0);
            c1 -= Vector.GreaterThan(v, l1);
            c2 -= Vector.GreaterThan(v, l2);
        }

        long nanCount = Vector.Sum(nan), nz = 0, a0 = 0, a1 = 0, a2 = 0;
        for (var i = 0; i < width; i++) (nz, a0, a1, a2) = (nz + nonzero[i], a0 + c0[i], a1 + c1[i], a2 + c2[i]);
        float amax = 0, min = float.PositiveInfinity;
        for (var i = 0; i < width; i++) (amax, min) = (MathF.Max(amax, max[i]), MathF.Min(min, smallest[i]));
        foreach (var x in g[whole..])
        {
            var a = MathF.Abs(x);
            if (float.IsNaN(a))
            {
                nanCount++;
                continue;
            }

            amax = MathF.Max(amax, a);
            if (a != 0) min = MathF.Min(min, a);
            var v = a * scale;
            if (v > 0) nz++;
            if (v > Limits[0]) a0++;
            if (v > Limits[1]) a1++;
            if (v > Limits[2]) a2++;
        }

        if (nanCount > 0) (amax, min) = (float.NaN, float.NaN);
        return new Result(amax, min, nz + nanCount, a0 + nanCount, a1 + nanCount, a2 + nanCount);
    }

    // Parts merged in order: max and min of the magnitudes (NaN wins), sums of the counts.
    private static Result Merge(Result a, Result b) => new(
        float.IsNaN(a.Amax) || float.IsNaN(b.Amax) ? float.NaN : MathF.Max(a.Amax, b.Amax),
        float.IsNaN(a.SmallestNonzero) || float.IsNaN(b.SmallestNonzero) ? float.NaN : MathF.Min(a.SmallestNonzero, b.SmallestNonzero),
        a.Nonzero + b.Nonzero, a.AboveE5M2Flush + b.AboveE5M2Flush, a.AboveE4M3Flush + b.AboveE4M3Flush, a.Overflow + b.Overflow);
}
