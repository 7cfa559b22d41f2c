namespace QuantScope.Web.Cluster;

/// <summary>
/// The cluster's list of workers (singleton, key 0): workers announce themselves every heartbeat and the placement
/// director reserves slots here. Its state is soft: if its silo dies, the next heartbeats rebuild it.
/// </summary>
public interface IWorkerDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>A worker's heartbeat.</summary>
    Task AnnounceAsync(WorkerInfoDto worker);

    /// <summary>Picks the live worker (among <paramref name="candidates"/>) with the most free slots and holds one for <paramref name="job"/>; null when none is free.</summary>
    Task<SiloAddress?> ReserveAsync(Guid job, SiloAddress[] candidates);

    /// <summary>The job ended on <paramref name="silo"/>: its slot is free again.</summary>
    Task ReleaseAsync(SiloAddress silo, Guid job);

    /// <summary>Free slots over all live workers (a hint: the reservation at placement decides).</summary>
    Task<int> FreeSlotsAsync();

    /// <summary>The workers heard from recently, by name.</summary>
    Task<IReadOnlyList<WorkerStatusDto>> ListAsync();
}
