using System.Numerics;
using System.Runtime.InteropServices;
using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization.Cpu;

/// <summary>
/// The CPU route of an input's shape statistics (<see cref="InputStats"/>): one vector pass over x seen as
/// [rows, channels] (channels = the last dimension) gives every channel's absmax, the smallest nonzero |x| and the
/// power sums Σx, Σx³, Σx⁴, where the tensor-op route takes abs, a strided amax, threshold_, min, a square, a sum and
/// two dots. The absmax and the minimum are exact (equal to the tensor route's, NaN propagated); the float32 powers
/// accumulate per lane in runs of <see cref="RunLength"/> vectors, then in float64 per lane and part, merged in a fixed
/// order (deterministic for a thread count), so they agree with the tensor route's float32 sums to float32 rounding.
/// </summary>
internal static class InputShapeKernel
{
    /// <summary>
    /// Vectors per float32 run of the power sums before they go into the float64 sums: the powers are float32 products
    /// (as the tensor route's) and a run's sum of 8 terms per lane rounds by at most about 2^-21 of Σ|x|^p. Against
    /// float64 powers throughout the pass took 0.12 against 0.09 ms per [1024, 384] input and 0.32 against 0.23 ms per
    /// [1024, 1024] (Release, one thread, medians of 200).
    /// </summary>
    public const int RunLength = 8;

    /// <summary>One part's (or the whole tensor's) results.</summary>
    private sealed class Part(int channels)
    {
        public readonly float[] ChannelAbsMax = new float[channels]; // |x| ≥ 0: 0 is the identity of the max
        public float Smallest = float.PositiveInfinity;
        public bool AnyNaN;
        public double Sum, SumCubes, SumFourth;
    }

    /// <summary>
    /// The shape statistics of <paramref name="x"/> (<see cref="CpuKernel.Applies"/>, at least one dimension) as new CPU
    /// tensors, as <see cref="InputStats"/> keeps them: float32 [C] channel absmax, float64 [1] smallest nonzero |x|, and
    /// float32 [3] [Σx, Σx³, Σx⁴].
    /// </summary>
    public static (Tensor ChannelAbsMax, Tensor Smallest, Tensor PowerSums) Measure(Tensor x)
    {
        var channels = (int)x.shape[^1];
        var rows = channels == 0 ? 0 : x.numel() / channels;
        var partCount = (int)Math.Min(CpuKernel.Parts(x.numel(), CpuKernel.StatsMinPerThread), Math.Max(1, rows));
        var parts = new Part[partCount];
        CpuKernel.For(rows, partCount, (part, start, count) =>
            parts[part] = Measure(CpuKernel.Floats(x).Slice(start * channels, count * channels), channels), alignment: 1);

        var total = parts[0];
        for (var p = 1; p < parts.Length; p++) // in part order: the float64 sums do not depend on scheduling
        {
            var next = parts[p];
            for (var c = 0; c < channels; c++) total.ChannelAbsMax[c] = Max(total.ChannelAbsMax[c], next.ChannelAbsMax[c]);
            total.Smallest = MathF.Min(total.Smallest, next.Smallest);
            total.AnyNaN |= next.AnyNaN;
            (total.Sum, total.SumCubes, total.SumFourth) = (total.Sum + next.Sum, total.SumCubes + next.SumCubes, total.SumFourth + next.SumFourth);
        }

        var perChannel = empty([channels], dtype: ScalarType.Float32);
        total.ChannelAbsMax.CopyTo(CpuKernel.Floats(perChannel));
        var smallest = empty([1], dtype: ScalarType.Float64);
        CpuKernel.Doubles(smallest)[0] = total.AnyNaN ? double.NaN : total.Smallest;
        var sums = empty([3], dtype: ScalarType.Float32);
        var s = CpuKernel.Floats(sums);
        (s[0], s[1], s[2]) = ((float)total.Sum, (float)total.SumCubes, (float)total.SumFourth);
        return (perChannel, smallest, sums);
    }

    // One part: whole rows of `channels` values.
    private static Part Measure(ReadOnlySpan<float> values, int channels)
    {
        var part = new Part(channels);
        if (values.IsEmpty) return part;
        var width = Vector<float>.Count;
        var vectorChannels = channels - channels % width; // the vector columns of each row; the rest runs per element
        var absMax = MemoryMarshal.Cast<float, Vector<float>>(part.ChannelAbsMax.AsSpan(0, vectorChannels));
        var infinity = new Vector<float>(float.PositiveInfinity);
        var smallest = infinity;
        var nan = Vector<int>.Zero;
        Vector<double> sum = Vector<double>.Zero, cubes = Vector<double>.Zero, fourth = Vector<double>.Zero;
        Vector<float> runSum = Vector<float>.Zero, runCubes = Vector<float>.Zero, runFourth = Vector<float>.Zero;
        var pending = 0;
        var rows = values.Length / channels;
        for (var r = 0; r < rows; r++)
        {
            var row = values.Slice(r * channels, channels);
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(row[..vectorChannels]);
            for (var j = 0; j < vectors.Length; j++)
            {
                var x = vectors[j];
                var a = Vector.Abs(x);
                absMax[j] = Vector.Max(absMax[j], a); // IEEE maximum: NaN propagates, as torch's amax
                nan |= ~Vector.Equals(a, a);
                smallest = Vector.MinNative(smallest, Vector.ConditionalSelect(Vector.Equals(a, Vector<float>.Zero), infinity, a)); // NaN: flagged above
                var square = x * x;
                runSum += x;
                runCubes += square * x;
                runFourth += square * square;
                if (++pending < RunLength) continue;
                Flush(ref runSum, ref sum);
                Flush(ref runCubes, ref cubes);
                Flush(ref runFourth, ref fourth);
                pending = 0;
            }

            for (var c = vectorChannels; c < channels; c++)
            {
                var x = row[c];
                var a = MathF.Abs(x);
                part.ChannelAbsMax[c] = Max(part.ChannelAbsMax[c], a);
                if (float.IsNaN(a)) part.AnyNaN = true;
                else if (a != 0) part.Smallest = MathF.Min(part.Smallest, a);
                double d = x;
                (part.Sum, part.SumCubes, part.SumFourth) = (part.Sum + d, part.SumCubes + d * d * d, part.SumFourth + d * d * d * d);
            }
        }

        Flush(ref runSum, ref sum);
        Flush(ref runCubes, ref cubes);
        Flush(ref runFourth, ref fourth);
        part.AnyNaN |= nan != Vector<int>.Zero;
        for (var i = 0; i < width; i++) part.Smallest = MathF.Min(part.Smallest, smallest[i]);
        part.Sum += Vector.Sum(sum);
        part.SumCubes += Vector.Sum(cubes);
        part.SumFourth += Vector.Sum(fourth);
        return part;
    }

    // A run's float32 sums added to the float64 ones, and the run restarted.
    private static void Flush(ref Vector<float> run, ref Vector<double> total)
    {
        Vector.Widen(run, out var low, out var high);
        total += low + high;
        run = Vector<float>.Zero;
    }

    // max with NaN propagated (torch's amax), for the per-element channels and the merge.
    private static float Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : MathF.Max(a, b);
}
