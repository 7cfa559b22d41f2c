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
    private readonly Func<double?> _load;
    private int _active;
    private int _applied; // intra-op threads the runs have set now (what of the load is ours)
    private int _free;
    private long _nextLookMs;

    /// <summary>A budget of <paramref name="threads"/> cores (at least 1).</summary>
    /// <param name="threads">Cores training may use at most.</param>
    /// <param name="followLoad">
    /// Also give back the cores other processes keep busy: the budget in force is min(<paramref name="threads"/>, the
    /// cores not busy with others), from the machine's 1-minute load average at the first run and every
    /// <see cref="LookEvery"/> after (so a run next to a PyTorch job takes its fair share instead of fighting it).
    /// </param>
    /// <param name="load">The load-average reader (tests); null = <c>/proc/loadavg</c> (no reading elsewhere: the configured budget stands).</param>
    public ThreadBudget(int threads, bool followLoad = false, Func<double?>? load = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _free = threads;
        _load = followLoad ? load ?? LoadAverage.OneMinute : () => null;
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

    /// <summary>
    /// Cores not kept busy by other processes: <paramref name="cores"/> minus the load average beyond what this
    /// process's own training threads (<paramref name="ownThreads"/>) explain, at least 1.
    /// </summary>
    public static int FreeCores(int cores, double load, int ownThreads) =>
        Math.Clamp(cores - (int)Math.Round(Math.Max(0, load - ownThreads)), 1, cores);

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
                if (_load() is { } load) _free = Math.Min(Threads, FreeCores(Environment.ProcessorCount, load, _applied));
            }

            return Share(_free, _active);
        }
    }

    internal void Leave(int applied)
    {
        lock (_lock)
        {
            _active--;
            _applied -= applied;
        }
    }

    internal void Applied(int before, int after)
    {
        lock (_lock) _applied += after - before;
    }
}
