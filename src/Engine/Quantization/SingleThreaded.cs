using static TorchSharp.torch;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// Runs a tensor's statistics passes on the calling thread alone (libtorch's intra-op thread count is per calling
/// thread) when the tensor is small, restoring the run's count on disposal. Waking and joining the second worker costs a
/// fixed few tens of µs per op here, more than it saves on a few hundred thousand values: measured on the 2-core machine
/// under the neighbours' load, the grad watch's passes took 0.24 against 0.49 ms per 147 k values on one thread and two,
/// 0.66 against 0.95 ms per 393 k, and 2.35 against 2.49 ms per 1 M, at half the CPU time. Larger tensors keep the run's
/// threads (<see cref="MaxElements"/>): with a free second core their passes finish sooner on two. Only for passes whose
/// results do not depend on the thread count: elementwise ops, min/max and exact counts. Float sums of arbitrary values
/// (dot products, power sums, norms) split their terms by thread and would change in the last bits, so they stay
/// outside; so does <c>count_nonzero</c>, a scalar loop that gains from the second thread (0.16 against 0.11 ms per
/// 393 k values).
/// </summary>
internal readonly struct SingleThreaded : IDisposable
{
    private readonly int _restore;

    private SingleThreaded(int restore) => _restore = restore;

    /// <summary>Tensors up to this many elements (2^19) get one thread.</summary>
    public const long MaxElements = 1L << 19;

    /// <summary>
    /// Switches the calling thread to one intra-op thread until disposed, for the passes over a tensor of
    /// <paramref name="elements"/> values (a no-op above <see cref="MaxElements"/> or when the thread already runs one).
    /// </summary>
    public static SingleThreaded Enter(long elements)
    {
        var threads = get_num_threads();
        if (threads <= 1 || elements > MaxElements) return new SingleThreaded(0);
        set_num_threads(1); // a per-thread setting: other runs' threads keep theirs
        return new SingleThreaded(threads);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_restore > 1) set_num_threads(_restore);
    }
}
