using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// The per-tensor fake quantizer's forward as one vector pass (<see cref="CpuKernel"/>), where the tensor-op route
/// takes about ten (scale, clamp, overflow difference and count, rounding, divide, then for the statistics a
/// difference, two dots, two counts and a bucketize). Per element, the same float32 operations as that route:
/// v = x·scale, the overflow test !(|v| ≤ limit) (NaN counts, as <c>count_nonzero(v - clamp(v))</c> does), the
/// grid's saturating rounding (<see cref="IVectorRounding"/>), q = rounded / scale (a true float32 division, as
/// libtorch's <c>div_</c> on the CPU), written straight into the output. With statistics the same pass counts
/// x ≠ 0 and q ≠ 0, sums (q - x)² and x² and, given thresholds, counts |v| into magnitude bins.
/// <para>
/// The squares are float32 (as the tensor route's dot takes them) summed per lane over runs of
/// <see cref="RunLength"/> vectors, each run's sums then added in float64: per lane within a chunk of
/// <see cref="ChunkSize"/> elements, the chunk's lanes then added up, and the chunks in order at the end. A run's float32
/// sum rounds by at most about 2^-20 of itself, so the totals agree with the tensor route's float32 dots to float32
/// rounding. Against float64 squares throughout, the runs halved the statistics' extra cost in the pass (Release, 2
/// cores: 0.05 against 0.10 ms per [1024, 384] input, 0.08 against 0.19 ms per [1024, 1024]). The chunks are fixed by
/// the element index and the parts of <see cref="CpuKernel.For"/> are cut at chunk boundaries, so the sums do not
/// depend on the thread count or scheduling.
/// </para>
/// </summary>
internal static class FakeQuantKernel
{
    /// <summary>Elements per chunk of the float64 sums: <see cref="CpuKernel.Alignment"/>, so no chunk spans two parts.</summary>
    public const int ChunkSize = CpuKernel.Alignment;

    /// <summary>Vectors per float32 run of the error and signal sums before they go into the float64 sums.</summary>
    public const int RunLength = 16;

    /// <summary>How many bin thresholds the kernel takes: HiF8's tier edges (unrolled: an array of accumulators cost 3x).</summary>
    public const int Thresholds = 7;

    // Integer columns accumulated per part: overflow, nonzero x, nonzero q, NaN |v|, then one per bin threshold.
    private const int Overflow = 0, NonzeroInput = 1, NonzeroQuantized = 2, NaNs = 3, FirstThreshold = 4;

    /// <summary>
    /// Writes Round(x·<paramref name="scale"/>) / scale into <paramref name="output"/> (a float32 tensor of x's length,
    /// contiguous in CPU memory, created by the caller: a write through the span bypasses autograd's version counter)
    /// and returns the counts. <paramref name="x"/> must satisfy <see cref="CpuKernel.Applies"/>.
    /// </summary>
    /// <param name="x">The values.</param>
    /// <param name="scale">The per-tensor scale (float32).</param>
    /// <param name="output">Receives q; may be a clone of x (the pass reads x[i] before writing output[i]).</param>
    /// <param name="rounding">The grid's rounding of the scaled values, saturating at ±max.</param>
    /// <param name="overflowLimit">Elements with |x·scale| above this (or NaN) count as overflow.</param>
    /// <param name="fullStats">Also the nonzero counts and the two sums.</param>
    /// <param name="thresholds">With <paramref name="fullStats"/>: <see cref="Thresholds"/> ascending magnitude
    /// thresholds of bins over |x·scale| (HiF8's tiers), or null for none.</param>
    /// <param name="parts">Parts to run in (null: <see cref="CpuKernel.Parts"/>); the results do not depend on it (tested).</param>
    public static FakeQuantTotals Run<TRounding>(Tensor x, float scale, Tensor output, TRounding rounding, float overflowLimit, bool fullStats, float[]? thresholds, int? parts = null)
        where TRounding : struct, IVectorRounding
    {
        var count = x.numel();
        var partCount = parts ?? CpuKernel.Parts(count);
        if (thresholds is not null && thresholds.Length != Thresholds) throw new ArgumentException($"Expected {Thresholds} thresholds.", nameof(thresholds));
        var bins = fullStats && thresholds is not null ? Thresholds : 0;
        var columns = FirstThreshold + bins;
        var integers = new long[partCount * columns];
        var chunks = (int)((count + ChunkSize - 1) / ChunkSize);
        var errors = fullStats ? new double[chunks] : [];
        var signals = fullStats ? new double[chunks] : [];
        var constants = new Constants<TRounding>(rounding, scale, overflowLimit, bins == 0 ? null : thresholds);
        CpuKernel.For(count, partCount, (part, start, length) =>
        {
            var source = CpuKernel.Floats(x).Slice(start, length);
            var destination = CpuKernel.Floats(output).Slice(start, length);
            var totals = integers.AsSpan(part * columns, columns);
            for (var offset = 0; offset < length; offset += ChunkSize)
            {
                var size = Math.Min(ChunkSize, length - offset);
                var chunk = (start + offset) / ChunkSize;
                var sums = Chunk(source.Slice(offset, size), destination.Slice(offset, size), constants, fullStats, totals);
                if (!fullStats) continue;
                errors[chunk] = sums.Error;
                signals[chunk] = sums.Signal;
            }
        });

        var merged = new long[columns];
        for (var part = 0; part < partCount; part++)
            for (var c = 0; c < columns; c++) merged[c] += integers[part * columns + c];
        double error = 0, signal = 0;
        for (var chunk = 0; chunk < errors.Length; chunk++)
        {
            error += errors[chunk];
            signal += signals[chunk];
        }

        return new FakeQuantTotals(merged[Overflow], merged[NonzeroInput], merged[NonzeroQuantized], error, signal, Bins(merged, count, bins));
    }

    // Counts at or above each threshold (NaN apart) -> counts per bin; NaN in the last bin, as bucketize puts it.
    private static long[] Bins(long[] merged, long count, int thresholds)
    {
        if (thresholds == 0) return [];
        var atLeast = merged.AsSpan(FirstThreshold, thresholds);
        var bins = new long[thresholds + 1];
        bins[0] = count - merged[NaNs] - atLeast[0];
        for (var b = 1; b < thresholds; b++) bins[b] = atLeast[b - 1] - atLeast[b];
        bins[thresholds] = atLeast[thresholds - 1] + merged[NaNs];
        return bins;
    }

    // One chunk: whole vectors, then the tail through the same code on a zero-padded vector whose padding lanes are
    // masked out of every count and sum (and not written).
    private static (double Error, double Signal) Chunk<TRounding>(ReadOnlySpan<float> source, Span<float> destination, in Constants<TRounding> k, bool fullStats, Span<long> totals)
        where TRounding : struct, IVectorRounding
    {
        var width = Vector<float>.Count;
        var whole = source.Length - source.Length % width;
        var sources = MemoryMarshal.Cast<float, Vector<float>>(source[..whole]);
        var destinations = MemoryMarshal.Cast<float, Vector<float>>(destination[..whole]);
        var acc = default(Accumulators);
        for (var run = 0; run < sources.Length; run += RunLength)
        {
            var end = Math.Min(sources.Length, run + RunLength);
            for (var i = run; i < end; i++) destinations[i] = Step(sources[i], Vector<int>.AllBitsSet, k, fullStats, ref acc);
            if (fullStats) Flush(ref acc);
        }

        if (whole < source.Length)
        {
            Span<float> tail = stackalloc float[width];
            tail.Clear();
            source[whole..].CopyTo(tail);
            var valid = Vector.LessThan(Lanes(), new Vector<int>(source.Length - whole));
            var q = Step(new Vector<float>(tail), valid, k, fullStats, ref acc);
            for (var i = whole; i < source.Length; i++) destination[i] = q[i - whole];
            if (fullStats) Flush(ref acc);
        }

        totals[Overflow] += Vector.Sum(acc.Overflow);
        if (!fullStats) return default;
        totals[NonzeroInput] += Vector.Sum(acc.NonzeroInput);
        totals[NonzeroQuantized] += Vector.Sum(acc.NonzeroQuantized);
        totals[NaNs] += Vector.Sum(acc.NaNs);
        if (k.Binned)
        {
            totals[FirstThreshold] += Vector.Sum(acc.AtLeast0);
            totals[FirstThreshold + 1] += Vector.Sum(acc.AtLeast1);
            totals[FirstThreshold + 2] += Vector.Sum(acc.AtLeast2);
            totals[FirstThreshold + 3] += Vector.Sum(acc.AtLeast3);
            totals[FirstThreshold + 4] += Vector.Sum(acc.AtLeast4);
            totals[FirstThreshold + 5] += Vector.Sum(acc.AtLeast5);
            totals[FirstThreshold + 6] += Vector.Sum(acc.AtLeast6);
        }

        return (Vector.Sum(acc.Error), Vector.Sum(acc.Signal));
    }

    // One vector: q, and its counts and sums for the lanes in valid (-1 = counted, 0 = padding).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Step<TRounding>(Vector<float> x, Vector<int> valid, in Constants<TRounding> k, bool fullStats, ref Accumulators acc)
        where TRounding : struct, IVectorRounding
    {
        var scaled = x * k.Scale;
        var magnitude = Vector.Abs(scaled);
        acc.Overflow -= Vector.AndNot(valid, Vector.LessThanOrEqual(magnitude, k.OverflowLimit)); // NaN compares false: counted
        var q = k.Rounding.Round(scaled) / k.Scale;
        if (!fullStats) return q;

        acc.NonzeroInput -= Vector.AndNot(valid, Vector.Equals(x, Vector<float>.Zero));
        acc.NonzeroQuantized -= Vector.AndNot(valid, Vector.Equals(q, Vector<float>.Zero));
        var d = Vector.AsVectorSingle(Vector.AsVectorInt32(q - x) & valid); // float32 difference, as the tensor route's
        acc.ErrorRun += d * d; // float32 over a run of RunLength vectors, then float64 (Flush)
        acc.SignalRun += x * x; // padding lanes are 0
        if (!k.Binned) return q;

        acc.NaNs -= Vector.AndNot(valid, Vector.Equals(magnitude, magnitude));
        acc.AtLeast0 -= Vector.GreaterThanOrEqual(magnitude, k.Limit0) & valid;
        acc.AtLeast1 -= Vector.GreaterThanOrEqual(magnitude, k.Limit1) & valid;
        acc.AtLeast2 -= Vector.GreaterThanOrEqual(magnitude, k.Limit2) & valid;
        acc.AtLeast3 -= Vector.GreaterThanOrEqual(magnitude, k.Limit3) & valid;
        acc.AtLeast4 -= Vector.GreaterThanOrEqual(magnitude, k.Limit4) & valid;
        acc.AtLeast5 -= Vector.GreaterThanOrEqual(magnitude, k.Limit5) & valid;
        acc.AtLeast6 -= Vector.GreaterThanOrEqual(magnitude, k.Limit6) & valid;
        return q;
    }

    // A run's float32 sums (at most RunLength terms per lane: relative rounding below 2^-20) added to the float64 ones.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush(ref Accumulators acc)
    {
        Vector.Widen(acc.ErrorRun, out var errorLow, out var errorHigh);
        Vector.Widen(acc.SignalRun, out var signalLow, out var signalHigh);
        acc.Error += errorLow + errorHigh;
        acc.Signal += signalLow + signalHigh;
        (acc.ErrorRun, acc.SignalRun) = (Vector<float>.Zero, Vector<float>.Zero);
    }

    private static Vector<int> Lanes()
    {
        Span<int> lanes = stackalloc int[Vector<int>.Count];
        for (var i = 0; i < lanes.Length; i++) lanes[i] = i;
        return new Vector<int>(lanes);
    }

    // The pass's constants, broadcast once.
    private readonly struct Constants<TRounding>(TRounding rounding, float scale, float overflowLimit, float[]? thresholds)
        where TRounding : struct, IVectorRounding
    {
        public readonly TRounding Rounding = rounding;
        public readonly Vector<float> Scale = new(scale), OverflowLimit = new(overflowLimit);
        public readonly bool Binned = thresholds is not null;
        public readonly Vector<float> Limit0 = Limit(thresholds, 0), Limit1 = Limit(thresholds, 1), Limit2 = Limit(thresholds, 2),
            Limit3 = Limit(thresholds, 3), Limit4 = Limit(thresholds, 4), Limit5 = Limit(thresholds, 5), Limit6 = Limit(thresholds, 6);

        private static Vector<float> Limit(float[]? thresholds, int t) => thresholds is null ? default : new Vector<float>(thresholds[t]);
    }

    // Per-lane counts (each true compare is -1, subtracted) and float64 sums of one chunk.
    private struct Accumulators
    {
        public Vector<int> Overflow, NonzeroInput, NonzeroQuantized, NaNs;
        public Vector<int> AtLeast0, AtLeast1, AtLeast2, AtLeast3, AtLeast4, AtLeast5, AtLeast6;
        public Vector<float> ErrorRun, SignalRun;
        public Vector<double> Error, Signal;
    }
}
