using System.Numerics;
using System.Runtime.InteropServices;
using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization.Cpu;

/// <summary>
/// The CPU route of <see cref="MagnitudeHistogram"/>: one vector pass over the scaled values gives each element's bin
/// from its float32 exponent field (floor(log2|v|) = biased exponent - 127 for a normal |v|), clamped into under..over,
/// |v| above the max (±inf, NaN) over and 0 zero, and counts it in one of per-lane tallies (no store waits on the
/// previous one). The tensor-op route takes abs, frexp, an int64 conversion, add, clamp, two comparisons with their
/// masked fills and a scatter_add; the bins are the same, so the counts are equal.
/// </summary>
internal static class MagnitudeHistogramKernel
{
    /// <summary>
    /// True when the exponent field gives the bins: every float32 subnormal (below 2^-126) lies under the format's lowest
    /// power-of-two bin <paramref name="minExponent"/>, as for every known format (the lowest, HiF8's, is 2^-22).
    /// </summary>
    public static bool Supports(int minExponent) => minExponent > -126;

    /// <summary>
    /// Element counts of |v| = |x·<paramref name="scale"/>| over <paramref name="x"/> (<see cref="CpuKernel.Applies"/>;
    /// the float32 product, as a tensor multiply gives it, so a scale of 1 counts x itself) in <paramref name="bins"/>
    /// bins: 0 zero, 1 under, 2.. one per power of two from 2^<paramref name="minExponent"/>, the last over (|v| &gt;
    /// <paramref name="max"/> or NaN). Parts are summed in order.
    /// </summary>
    public static long[] Count(Tensor x, float scale, int minExponent, int bins, float max)
    {
        var count = x.numel();
        var parts = CpuKernel.Parts(count);
        var tallies = new long[parts][];
        CpuKernel.For(count, parts, (part, start, length) => tallies[part] = Count(CpuKernel.Floats(x).Slice(start, length), scale, minExponent, bins, max));
        var total = new long[bins];
        foreach (var tally in tallies)
        {
            for (var b = 0; b < bins; b++) total[b] += tally[b];
        }

        return total;
    }

    /// <summary>The counts of one span (see <see cref="Count(Tensor, float, int, int, float)"/>).</summary>
    public static long[] Count(ReadOnlySpan<float> values, float scale, int minExponent, int bins, float max)
    {
        var width = Vector<float>.Count;
        var whole = values.Length - values.Length % width;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values[..whole]);
        var tallies = new long[width * bins]; // lane i counts into tallies[i·bins + bin]
        var shift = new Vector<int>(127 - 2 + minExponent); // bin = (biased - 127) + 2 - minExponent
        var (under, over, maxValue) = (new Vector<int>(1), new Vector<int>(bins - 1), new Vector<float>(max));
        var lanes = new Vector<int>(bins) * new Vector<int>(Enumerable.Range(0, width).ToArray()); // each lane's tally offset
        var factor = new Vector<float>(scale);
        foreach (var x in vectors)
        {
            var a = Vector.Abs(x * factor);
            var bin = Vector.ShiftRightLogical(Vector.AsVectorInt32(a), 23) - shift;
            bin = Vector.Min(Vector.Max(bin, under), over);
            bin = Vector.ConditionalSelect(Vector.LessThanOrEqual(a, maxValue), bin, over); // NaN is not ≤ max: over
            bin = Vector.ConditionalSelect(Vector.Equals(a, Vector<float>.Zero), Vector<int>.Zero, bin);
            var slots = bin + lanes;
            for (var i = 0; i < width; i++) tallies[slots[i]]++;
        }

        var counts = new long[bins];
        for (var i = 0; i < width; i++)
        {
            for (var b = 0; b < bins; b++) counts[b] += tallies[i * bins + b];
        }

        foreach (var x in values[whole..])
        {
            var a = MathF.Abs(x * scale);
            var bin = a == 0 ? 0 : !(a <= max) ? bins - 1 : Math.Clamp((BitConverter.SingleToInt32Bits(a) >> 23) - 127 + 2 - minExponent, 1, bins - 1);
            counts[bin]++;
        }

        return counts;
    }
}
