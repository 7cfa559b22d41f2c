using QuantScope.Engine.Model.Hf;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Free-capacity book-keeping behind <see cref="WorkerDirectoryGrain"/> (pure, no Orleans runtime: tested on its own).
/// A worker's busy slots are the jobs it reported running plus the jobs reserved for it and not yet reported; a
/// reservation lapses after <see cref="ReservationLifetime"/> (the job never started there), a worker after three
/// missed heartbeats. A job that needs CUDA (<see cref="JobDemand.NeedsCuda"/>) goes only to a worker that announced a
/// fitting CUDA device, and holds that device (one CUDA job per device) while it is reserved or running there.
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
        // A device is held while its job is reserved or running there; an ended (or lapsed) job lets it go.
        foreach (var job in entry.CudaOf.Keys.ToList())
        {
            if (!entry.Reserved.ContainsKey(job) && !worker.Running.Contains(job)) entry.CudaOf.Remove(job);
        }
    }

    /// <summary>
    /// The live worker among <paramref name="candidates"/> that can take <paramref name="demand"/> (default: anywhere)
    /// with the most free slots (ties: the one chosen longest ago), with a slot (and for a CUDA job, a device) now held
    /// for <paramref name="job"/>; the same worker again when the job already holds one there; null when no candidate
    /// fits: every slot is taken, or a CUDA job finds no worker with a free CUDA device of enough memory (it waits).
    /// </summary>
    public SiloAddress? Reserve(Guid job, IReadOnlyCollection<SiloAddress> candidates, DateTime now, JobDemand? demand = null)
    {
        demand ??= JobDemand.Anywhere;
        var live = Live(now).Where(e => candidates.Contains(e.Info!.Silo)).ToList();
        var holder = live.FirstOrDefault(e => e.Reserved.ContainsKey(job) || e.Info!.Running.Contains(job));
        if (holder is not null) return holder.Info!.Silo;

        var best = live.Where(e => e.Free > 0)
            .Select(e => (Entry: e, Cuda: demand.NeedsCuda ? FreeCuda(e, demand) : null))
            .Where(c => !demand.NeedsCuda || c.Cuda is not null)
            .OrderByDescending(c => c.Entry.Free).ThenBy(c => c.Entry.LastChosen)
            .FirstOrDefault();
        if (best.Entry is null) return null;
        best.Entry.Reserved[job] = now;
        best.Entry.LastChosen = now;
        if (best.Cuda is { } index) best.Entry.CudaOf[job] = index;
        return best.Entry.Info!.Silo;
    }

    /// <summary>The CUDA device held for <paramref name="job"/> (<c>cuda:N</c>), or null: not a CUDA job, or not placed.</summary>
    public string? DeviceOf(Guid job) =>
        _workers.Values.Select(e => e.CudaOf.TryGetValue(job, out var i) ? $"cuda:{i}" : null).FirstOrDefault(d => d is not null);

    /// <summary>Free slots (live workers) a job of <paramref name="demand"/> could take now: all free slots, or for CUDA only those of workers with a fitting free device.</summary>
    public int FreeSlots(DateTime now, JobDemand? demand = null)
    {
        demand ??= JobDemand.Anywhere;
        return Live(now).Where(e => !demand.NeedsCuda || FreeCuda(e, demand) is not null).Sum(e => Math.Max(0, e.Free));
    }

    // The lowest-numbered CUDA device of the worker that fits: the number asked for (cuda:N) or any (cuda), not held by
    // another job, with enough free memory when both the need and the free memory are known.
    private static int? FreeCuda(Entry entry, JobDemand demand)
    {
        var held = entry.CudaOf.Values.ToHashSet();
        return entry.Info!.Devices
            .Where(d => d.Kind == "cuda" && d.CudaIndex is { } i && !held.Contains(i) && (demand.Setting.Index is null || demand.Setting.Index == i))
            .Where(d => demand.MemoryBytes is not { } need || d.FreeBytes <= 0 || need <= MemoryEstimate.UsableFraction * d.FreeBytes)
            .OrderBy(d => d.CudaIndex)
            .Select(d => d.CudaIndex)
            .FirstOrDefault();
    }

    /// <summary>Frees the slot <paramref name="job"/> held on <paramref name="silo"/> (until the next heartbeat confirms).</summary>
    public void Release(SiloAddress silo, Guid job)
    {
        if (!_workers.TryGetValue(silo, out var entry) || entry.Info is null) return;
        entry.Reserved.Remove(job);
        entry.CudaOf.Remove(job);
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
        public Dictionary<Guid, int> CudaOf { get; } = []; // job -> the CUDA device number held for it here
        public int Free => Info!.Slots - Info.Running.Union(Reserved.Keys).Count();
    }
}
