using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// <see cref="IntQuantizer"/>'s quantize-dequantize for a CPU float32 tensor over its own memory (<see cref="CpuKernel"/>):
/// per tensor two passes (the finite amax, then the elements); per channel or group one pass, group by group (the
/// group's finite amax, then its elements while they are in cache). Each lane takes the tensor-op route's float32
/// operations in order: scale = amax / qmax, q = clamp(round_half_even(x / safe), -qmax - 1, qmax) (safe: the scale,
/// or 1 where it is 0; NaN passes), result q · scale; so the results are the same bit for bit (tested; NaN payloads
/// aside). The tensor-op route takes a nan_to_num copy, an abs, a reduction and five elementwise passes instead.
/// </summary>
internal static class IntKernel
{
    /// <summary>
    /// True when <paramref name="x"/> can take the kernel: <see cref="CpuKernel.Applies"/>, at least 1-D, not empty, and
    /// per channel or group a group (the last dim, or <paramref name="groupSize"/>) is a whole number of vectors. The
    /// caller has checked that the last dim is a multiple of the group size.
    /// </summary>
    public static bool Applies(Tensor x, IntGranularity granularity, int groupSize) =>
        CpuKernel.Applies(x) && x.dim() > 0 && x.numel() > 0 && (granularity == IntGranularity.PerTensor
            || BlockLanes.WholeVectors(granularity == IntGranularity.PerGroup ? groupSize : (int)Math.Min(x.shape[^1], int.MaxValue)));

    /// <summary>A new tensor: <paramref name="x"/> (where <see cref="Applies"/>) quantize-dequantized on INT-<paramref name="bits"/>.</summary>
    public static Tensor QuantizeDequantize(Tensor x, int bits, IntGranularity granularity, int groupSize)
    {
        var qmax = (float)((1 << (bits - 1)) - 1);
        var result = empty_like(x);
        var count = x.numel();
        if (granularity == IntGranularity.PerTensor)
        {
            var scale = new Vector<float>(BlockLanes.FiniteMax(x)) / new Vector<float>(qmax);
            CpuKernel.For(count, CpuKernel.Parts(count), (_, start, length) =>
                Elements(CpuKernel.Floats(x).Slice(start, length), CpuKernel.Floats(result).Slice(start, length), scale, qmax));
            return result;
        }

        var size = granularity == IntGranularity.PerGroup ? groupSize : (int)x.shape[^1];
        var groups = (int)(count / size);
        var parts = Math.Min(CpuKernel.Parts(count), groups);
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            var (first, end) = (groups * (long)part / parts, groups * (long)(part + 1) / parts);
            var source = CpuKernel.Floats(x);
            var destination = CpuKernel.Floats(result);
            for (var g = first; g < end; g++)
            {
                var group = source.Slice((int)(g * size), size);
                var scale = new Vector<float>(BlockLanes.FiniteMax(group)) / new Vector<float>(qmax);
                Elements(group, destination.Slice((int)(g * size), size), scale, qmax);
            }
        });
        return result;
    }

    /// <summary>q = clamp(round(x / safe), -qmax - 1, qmax) · scale; a tail shorter than a vector through the same
    /// vector code, padded with zeros.</summary>
    public static void Elements(ReadOnlySpan<float> source, Span<float> destination, Vector<float> scale, float qmax)
    {
        var safe = Vector.ConditionalSelect(Vector.Equals(scale, Vector<float>.Zero), Vector<float>.One, scale); // zero group: q · 0 = 0
        var (low, high) = (new Vector<float>(-qmax - 1), new Vector<float>(qmax));
        var width = Vector<float>.Count;
        var whole = source.Length - source.Length % width;
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source[..whole]);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination[..whole]);
        for (var i = 0; i < sources.Length; i++) destinations[i] = Vector.Min(Vector.Max(Vector.Round(sources[i] / safe), low), high) * scale; // Max/Min pass NaN
        if (whole == source.Length) return;

        Span<float> tail = stackalloc float[width];
        tail.Clear();
        source[whole..].CopyTo(tail);
        var rounded = Vector.Min(Vector.Max(Vector.Round(new Vector<float>(tail) / safe), low), high) * scale;
        for (var i = whole; i < source.Length; i++) destination[i] = rounded[i - whole];
    }
}
