namespace QuantScope.Engine.Hosting;

/// <summary>
/// The cores a host gives training, shared by the runs that train at once: each gets
/// <see cref="Share"/>(budget, runs) intra-op threads, recomputed as runs join and leave. A run applies its share on
/// its own thread (<see cref="RunThreads.Apply"/>): libtorch's OpenMP thread count is per calling thread, so runs in
/// one process do not disturb each other's setting. Thread-safe.
/// </summary>
public sealed class ThreadBudget
{
    private readonly Lock _lock = new();
    private readonly Func<double?> _othersBusy;
    private int _active;
    private int _free;
    private long _nextLookMs;

    /// <summary>A budget of <paramref name="threads"/> cores (at least 1).</summary>
    /// <param name="threads">Cores training may use at most.</param>
    /// <param name="followLoad">
    /// Also give back the cores other processes keep busy: the budget in force is min(<paramref name="threads"/>, the
    /// cores not busy with others), looked at when a run applies its share and every <see cref="LookEvery"/> after
    /// (so a run next to a PyTorch job takes the cores left to it instead of fighting for the busy ones).
    /// </param>
    /// <param name="othersBusy">Reads the cores other processes keep busy (tests); null = <see cref="CpuUsage"/> (Linux; elsewhere the budget stands).</param>
    public ThreadBudget(int threads, bool followLoad = false, Func<double?>? othersBusy = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _free = threads;
        _othersBusy = followLoad ? othersBusy ?? new CpuUsage().OthersBusyCores : () => null;
    }

    /// <summary>How often the load is looked at again while runs train.</summary>
    public static TimeSpan LookEvery { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The cores training may use in this process.</summary>
    public int Threads { get; }

    /// <summary>The cores shared now: <see cref="Threads"/>, or fewer while other processes keep cores busy.</summary>
    public int Available
    {
        get
        {
            lock (_lock) return _free;
        }
    }

    /// <summary>Cores not kept busy by other processes: <paramref name="cores"/> minus <paramref name="othersBusy"/>, rounded, at least 1.</summary>
    public static int FreeCores(int cores, double othersBusy) =>
        Math.Clamp(cores - (int)Math.Round(Math.Max(0, othersBusy)), 1, cores);

    /// <summary>Runs training now under this budget.</summary>
    public int Active
    {
        get
        {
            lock (_lock) return _active;
        }
    }

    /// <summary>
    /// Intra-op threads per run when <paramref name="runs"/> train at once under <paramref name="budget"/> cores:
    /// an equal whole share, at least 1 (more runs than cores oversubscribe by one thread each, which the queue in
    /// front of the budget prevents by default).
    /// </summary>
    public static int Share(int budget, int runs) => Math.Max(1, budget / Math.Max(1, runs));

    /// <summary>Joins a run: its share counts it from now until the returned lease is disposed.</summary>
    public RunThreads Join()
    {
        lock (_lock) _active++;
        return new RunThreads(this);
    }

    internal int CurrentShare()
    {
        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (now >= _nextLookMs)
            {
                _nextLookMs = now + (long)LookEvery.TotalMilliseconds;
                if (_othersBusy() is { } others) _free = Math.Min(Threads, FreeCores(Environment.ProcessorCount, others));
            }

            return Share(_free, _active);
        }
    }

    internal void Leave()
    {
        lock (_lock) _active--;
    }
}
