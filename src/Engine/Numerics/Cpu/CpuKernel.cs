using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// The CPU route of the quantizers and statistics: one pass over a float32 tensor's own memory in C# vector code
/// (<see cref="System.Numerics.Vector{T}"/>: AVX2 on x64, NEON on Arm), where the same math as libtorch tensor ops takes
/// several elementwise passes and temporaries (TorchSharp 0.107 fuses nothing and cannot view float32 bits as int32).
/// Taken only for contiguous float32 tensors in CPU memory, which is then the run's device: no copy, no sync. Other
/// devices keep the tensor-op routes, and those stay the reference: every kernel is tested bit for bit against them.
/// Measured (issue 25, 4 M values, 2 threads): one such pass costs about what one libtorch multiply does.
/// </summary>
internal static class CpuKernel
{
    /// <summary>
    /// Elements per thread below which a tensor runs on the calling thread alone (2^17: waking a second worker costs a
    /// fixed tens of µs here, more than it saves on fewer values). Measured (Release, 2 cores, a [1024, 384] activation,
    /// medians of 200): in two parts the fake quantizer's pass took 0.12 against 0.18 ms on one thread, the histogram 0.17
    /// against 0.31, the gradient watch 0.05 against 0.07, the shape pass 0.09 against 0.12.
    /// </summary>
    public const long MinPerThread = 1L << 17;

    /// <summary>
    /// <see cref="MinPerThread"/> of the statistics' passes, which do little per element (max, min, counts, sums): 2^21.
    /// Between libtorch's ops in a training step, waking a second worker cost them more than it saved. Measured in
    /// training steps of <c>small</c> (Release, 2 cores, per call): the gradient watch 0.11 ms per [1024, 384] gradient
    /// on one thread against 0.16 ms in two parts, 0.23-0.27 ms per [1024, 1024] against 0.24-0.36 ms; the input's
    /// shape pass 0.14 against 0.19 ms per [1024, 384] input, 0.31-0.34 against 0.29-0.37 ms per [1024, 1024]. (In a
    /// loop over one tensor, where the worker stays awake, two parts were faster: 0.05 against 0.07 ms for the watch.)
    /// The quantizers' passes, with more work per element, keep <see cref="MinPerThread"/>: in the same steps the fake
    /// quantizer took 0.18-0.19 ms per [1024, 384] input in two parts against 0.20-0.22 ms on one thread.
    /// </summary>
    public const long StatsMinPerThread = 1L << 21;

    /// <summary>Parts are cut at multiples of this many elements (a multiple of every block size: 16, 32, 128).</summary>
    public const int Alignment = 4096;

    /// <summary>
    /// True when <paramref name="x"/> can take a kernel: float32, contiguous, in CPU memory, and small enough for one
    /// span (at most int.MaxValue bytes).
    /// </summary>
    public static bool Applies(Tensor x) =>
        x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32 && x.is_contiguous() && x.numel() <= int.MaxValue / sizeof(float);

    /// <summary>
    /// The float32 values of a tensor for which <see cref="Applies"/> holds, as a span over its memory (no copy: writes
    /// go to the tensor). Keep the tensor alive while the span is used.
    /// </summary>
    public static Span<float> Floats(Tensor x) => MemoryMarshal.Cast<byte, float>(x.bytes);

    /// <summary>True when <paramref name="t"/> is a contiguous float64 tensor in CPU memory (a raw stats buffer the kernels write into).</summary>
    public static bool AppliesFloat64(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float64 && t.is_contiguous() && t.numel() <= int.MaxValue / sizeof(double);

    /// <summary>The float64 values of a tensor for which <see cref="AppliesFloat64"/> holds (no copy: writes go to the tensor).</summary>
    public static Span<double> Doubles(Tensor t) => MemoryMarshal.Cast<byte, double>(t.bytes);

    /// <summary>The value of a 0-d (or one-element) float32 CPU tensor, read from its memory (a load, not a device sync).</summary>
    public static float Value(Tensor zeroDim) => Floats(zeroDim)[0];

    /// <summary>A new float32 CPU tensor of <paramref name="shape"/> with every element <paramref name="value"/>, written through its memory.</summary>
    public static Tensor Filled(float value, params long[] shape)
    {
        var t = empty(shape, dtype: ScalarType.Float32);
        Floats(t).Fill(value);
        return t;
    }

    /// <summary>How many parts <see cref="For"/> cuts <paramref name="count"/> elements into: one per libtorch intra-op
    /// thread of the calling thread, at least <paramref name="minPerThread"/> (default <see cref="MinPerThread"/>)
    /// elements each.</summary>
    public static int Parts(long count, long minPerThread = MinPerThread) =>
        (int)Math.Clamp(count / minPerThread, 1, Math.Max(1, get_num_threads()));

    /// <summary>
    /// Runs <paramref name="body"/>(part, start, length) over <paramref name="parts"/> consecutive ranges covering
    /// [0, <paramref name="count"/>), cut at multiples of <paramref name="alignment"/> (elements: <see cref="Alignment"/>;
    /// rows: 1); one part runs on the calling thread, more in parallel (the calling thread takes one). A part may be empty
    /// when there are fewer units than parts. A body that reduces writes its own part's slot, and the caller merges the
    /// slots in part order, so results do not depend on scheduling.
    /// </summary>
    public static void For(long count, int parts, Action<int, int, int> body, int alignment = Alignment)
    {
        if (parts <= 1)
        {
            body(0, 0, (int)count);
            return;
        }

        var per = (count / parts + alignment - 1) / alignment * alignment;
        Parallel.For(0, parts, part =>
        {
            var start = Math.Min(count, part * per);
            var end = part == parts - 1 ? count : Math.Min(count, start + per);
            body(part, (int)start, (int)(end - start));
        });
    }
}
