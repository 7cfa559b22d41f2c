namespace QuantScope.Web.Cluster;

/// <summary>
/// The cluster's list of workers (singleton, key 0): workers announce themselves every heartbeat and the placement
/// director reserves slots here. Its state is soft: if its silo dies, the next heartbeats rebuild it.
/// </summary>
public interface IWorkerDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>A worker's heartbeat.</summary>
    Task AnnounceAsync(WorkerInfoDto worker);

    /// <summary>
    /// Picks the live worker (among <paramref name="candidates"/>) that can take <paramref name="demand"/> with the most
    /// free slots and holds one (and for CUDA a device) for <paramref name="job"/>; null when none fits.
    /// </summary>
    Task<SiloAddress?> ReserveAsync(Guid job, SiloAddress[] candidates, JobDemand demand);

    /// <summary>The CUDA device (<c>cuda:N</c>) held for <paramref name="job"/> at placement; null for a job placed without one.</summary>
    Task<string?> DeviceOfAsync(Guid job);

    /// <summary>The job ended on <paramref name="silo"/>: its slot is free again.</summary>
    Task ReleaseAsync(SiloAddress silo, Guid job);

    /// <summary>Free slots over all live workers that could take <paramref name="demand"/> (a hint: the reservation at placement decides).</summary>
    Task<int> FreeSlotsAsync(JobDemand demand);

    /// <summary>The workers heard from recently, by name.</summary>
    Task<IReadOnlyList<WorkerStatusDto>> ListAsync();
}
