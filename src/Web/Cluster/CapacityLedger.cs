namespace QuantScope.Web.Cluster;

/// <summary>
/// Free-capacity book-keeping behind <see cref="WorkerDirectoryGrain"/> (pure, no Orleans runtime: tested on its own).
/// A worker's busy slots are the jobs it reported running plus the jobs reserved for it and not yet reported; a
/// reservation lapses after <see cref="ReservationLifetime"/> (the job never started there), a worker after three
/// missed heartbeats.
/// </summary>
public sealed class CapacityLedger
{
    /// <summary>How long a slot stays held for a job that its worker has not yet reported running.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(60);

    private readonly Dictionary<SiloAddress, Entry> _workers = [];

    /// <summary>Records a heartbeat at <paramref name="now"/> (UTC).</summary>
    public void Announce(WorkerInfoDto worker, DateTime now)
    {
        if (!_workers.TryGetValue(worker.Silo, out var entry)) _workers[worker.Silo] = entry = new Entry();
        entry.Info = worker;
        entry.Seen = now;
        foreach (var job in entry.Reserved.Keys.ToList())
        {
            if (worker.Running.Contains(job) || now - entry.Reserved[job] > ReservationLifetime) entry.Reserved.Remove(job);
        }
    }

    /// <summary>
    /// The live worker among <paramref name="candidates"/> with the most free slots (ties: the one chosen longest ago),
    /// with a slot now held for <paramref name="job"/>; the same worker again when the job already holds one there; null
    /// when no candidate has a free slot.
    /// </summary>
    public SiloAddress? Reserve(Guid job, IReadOnlyCollection<SiloAddress> candidates, DateTime now)
    {
        var live = Live(now).Where(e => candidates.Contains(e.Info!.Silo)).ToList();
        var holder = live.FirstOrDefault(e => e.Reserved.ContainsKey(job) || e.Info!.Running.Contains(job));
        if (holder is not null) return holder.Info!.Silo;

        var best = live.Where(e => e.Free > 0).OrderByDescending(e => e.Free).ThenBy(e => e.LastChosen).FirstOrDefault();
        if (best is null) return null;
        best.Reserved[job] = now;
        best.LastChosen = now;
        return best.Info!.Silo;
    }

    /// <summary>Frees the slot <paramref name="job"/> held on <paramref name="silo"/> (until the next heartbeat confirms).</summary>
    public void Release(SiloAddress silo, Guid job)
    {
        if (!_workers.TryGetValue(silo, out var entry) || entry.Info is null) return;
        entry.Reserved.Remove(job);
        if (entry.Info.Running.Contains(job)) entry.Info = entry.Info with { Running = entry.Info.Running.Where(r => r != job).ToList() };
    }

    /// <summary>The workers heard from within three of their heartbeats, by name; forgets the others.</summary>
    public IReadOnlyList<WorkerStatusDto> List(DateTime now) => Live(now)
        .Select(e => new WorkerStatusDto(e.Info!.Silo.ToString(), e.Info.Name, e.Info.Slots, e.Info.Slots - e.Free, e.Info.Devices, e.Info.Running, e.Seen))
        .OrderBy(w => w.Name, StringComparer.Ordinal)
        .ToList();

    private List<Entry> Live(DateTime now)
    {
        foreach (var (silo, entry) in _workers.ToList())
        {
            if (now - entry.Seen > TimeSpan.FromSeconds(3 * entry.Info!.HeartbeatSeconds)) _workers.Remove(silo);
        }
        return _workers.Values.ToList();
    }

    private sealed class Entry
    {
        public WorkerInfoDto? Info { get; set; }
        public DateTime Seen { get; set; }
        public DateTime LastChosen { get; set; } = DateTime.MinValue;
        public Dictionary<Guid, DateTime> Reserved { get; } = [];
        public int Free => Info!.Slots - Info.Running.Union(Reserved.Keys).Count();
    }
}
