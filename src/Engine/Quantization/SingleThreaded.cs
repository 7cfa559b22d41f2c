using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Runs the statistics' passes on the calling thread alone (libtorch's intra-op thread count is per calling thread),
/// restoring the run's count on disposal. A stats pass over a layer's tensor (0.1-1 M values) is short enough that
/// waking and joining the second worker costs more than it saves: measured on the 2-core machine, the grad watch's passes
/// took 0.66 ms per 393 k values on one thread against 0.95 ms on two (1 M: 2.35 against 2.49 ms; 147 k: 0.24 against
/// 0.49 ms), at half the CPU time. Only for passes whose results do not depend on the thread count: elementwise ops,
/// min/max and exact counts. Float sums of arbitrary values (dot products, power sums, norms) split their terms by
/// thread and would change in the last bits, so they stay outside.
/// </summary>
internal readonly struct SingleThreaded : IDisposable
{
    private readonly int _restore;

    private SingleThreaded(int restore) => _restore = restore;

    /// <summary>Switches the calling thread to one intra-op thread until disposed (a no-op when it already runs one).</summary>
    public static SingleThreaded Enter()
    {
        var threads = get_num_threads();
        if (threads <= 1) return new SingleThreaded(0);
        set_num_threads(1); // a per-thread setting: other runs' threads keep theirs
        return new SingleThreaded(threads);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_restore > 1) set_num_threads(_restore);
    }
}
