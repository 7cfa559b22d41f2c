using System.Runtime.InteropServices;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Runs a tensor's statistics passes on the calling thread alone (libtorch's intra-op thread count is per calling
/// thread) when the tensor is small, restoring the run's count on disposal. Waking and joining the second worker costs a
/// fixed few tens of µs per op here, more than it saves on a few hundred thousand values: measured on the 2-core machine
/// under the neighbours' load, the grad watch's passes took 0.24 against 0.49 ms per 147 k values on one thread and two,
/// 0.66 against 0.95 ms per 393 k, and 2.35 against 2.49 ms per 1 M, at half the CPU time. Larger tensors keep the run's
/// threads (<see cref="MaxElements"/>): one thread saved little there even under load, and with a free second core two
/// should finish sooner (not measured: the machine was never idle). Only for passes whose
/// results do not depend on the thread count: elementwise ops, min/max and exact counts. Float sums of arbitrary values
/// (dot products, power sums, norms) split their terms by thread and would change in the last bits, so they stay
/// outside; so does <c>count_nonzero</c>, a scalar loop that gains from the second thread (0.16 against 0.11 ms per
/// 393 k values).
/// </summary>
internal readonly struct SingleThreaded : IDisposable
{
    // libtorch's own OpenMP runtime (its bundled libgomp), found through libtorch_cpu's dependencies: omp_set_num_threads
    // sets the calling thread's count only. Not torch.set_num_threads: it also clears oneDNN's primitive cache, and the
    // next BF16 matmul then builds its kernels again (one quick bench at load ~2: `small` stats every step 1.46x with it,
    // 1.15x without the switch at all, 1.16-1.28x with this one). Without libgomp (another build) nothing switches.
    private static readonly SetThreads? SetNumThreads = Export<SetThreads>("omp_set_num_threads");
    private static readonly GetThreads? GetMaxThreads = Export<GetThreads>("omp_get_max_threads");

    private readonly int _restore;

    private SingleThreaded(int restore) => _restore = restore;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetThreads(int threads);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int GetThreads();

    /// <summary>Tensors up to this many elements (2^19) get one thread.</summary>
    public const long MaxElements = 1L << 19;

    /// <summary>
    /// Switches the calling thread to one intra-op thread until disposed, for the passes over a tensor of
    /// <paramref name="elements"/> values (a no-op above <see cref="MaxElements"/>, when the thread already runs one, or
    /// when libtorch's OpenMP runtime is not found).
    /// </summary>
    public static SingleThreaded Enter(long elements)
    {
        if (elements > MaxElements || SetNumThreads is null || GetMaxThreads is null) return new SingleThreaded(0);
        var threads = GetMaxThreads();
        if (threads <= 1) return new SingleThreaded(0);
        SetNumThreads(1);
        return new SingleThreaded(threads);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_restore > 1) SetNumThreads!(_restore);
    }

    private static T? Export<T>(string name) where T : Delegate
    {
        // host API: resolved once; libtorch_cpu is already loaded by TorchSharp, so this finds that very copy
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var torch) && !NativeLibrary.TryLoad("libtorch_cpu.dylib", out torch)) return null;
        return NativeLibrary.TryGetExport(torch, name, out var address) ? Marshal.GetDelegateForFunctionPointer<T>(address) : null;
    }
}
