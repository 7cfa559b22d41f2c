using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// Shared pieces of the statistics' one-pass CPU kernels (<see cref="CpuKernel"/>): float64 spans over raw stats
/// buffers, 0-d values read and written through memory, row-aligned parts, and the smallest nonzero magnitude. Only for
/// tensors in CPU memory (the run's device then), so reading a value is a load, not a device sync.
/// </summary>
internal static class StatsKernel
{
    /// <summary>True when <paramref name="t"/> is a contiguous float64 tensor in CPU memory (a raw stats buffer the kernels write into).</summary>
    public static bool AppliesFloat64(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float64 && t.is_contiguous() && t.numel() <= int.MaxValue / sizeof(double);

    /// <summary>The float64 values of a tensor for which <see cref="AppliesFloat64"/> holds (no copy: writes go to the tensor).</summary>
    public static Span<double> Doubles(Tensor t) => MemoryMarshal.Cast<byte, double>(t.bytes);

    /// <summary>The value of a 0-d (or one-element) float32 CPU tensor, read from its memory (e.g. a delayed state's scale).</summary>
    public static float Value(Tensor zeroDim) => CpuKernel.Floats(zeroDim)[0];

    /// <summary>A new float32 CPU tensor of <paramref name="shape"/> with every element <paramref name="value"/>, written through its memory.</summary>
    public static Tensor Filled(float value, params long[] shape)
    {
        var t = empty(shape, dtype: ScalarType.Float32);
        CpuKernel.Floats(t).Fill(value);
        return t;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(part, startRow, rowCount) over <paramref name="parts"/> consecutive row ranges of
    /// near-equal size covering [0, <paramref name="rows"/>) (parts cut between rows, so a per-column accumulator never
    /// straddles a part). One part runs on the calling thread; a part may be empty when there are fewer rows than parts.
    /// </summary>
    public static void ForRows(long rows, int parts, Action<int, int, int> body)
    {
        if (parts <= 1)
        {
            body(0, 0, (int)rows);
            return;
        }

        var per = (rows + parts - 1) / parts;
        Parallel.For(0, parts, part =>
        {
            var start = Math.Min(rows, part * per);
            var end = Math.Min(rows, start + per);
            body(part, (int)start, (int)(end - start));
        });
    }

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
