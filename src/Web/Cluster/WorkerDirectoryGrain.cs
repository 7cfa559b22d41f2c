namespace QuantScope.Web.Cluster;

/// <summary>The cluster's worker list (see <see cref="IWorkerDirectoryGrain"/>); one turn at a time, so reservations never race.</summary>
public sealed class WorkerDirectoryGrain(TimeProvider clock) : Grain, IWorkerDirectoryGrain
{
    private readonly CapacityLedger _ledger = new();

    /// <inheritdoc />
    public Task AnnounceAsync(WorkerInfoDto worker)
    {
        _ledger.Announce(worker, clock.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SiloAddress?> ReserveAsync(Guid job, SiloAddress[] candidates, JobDemand demand) =>
        Task.FromResult(_ledger.Reserve(job, candidates, clock.GetUtcNow().UtcDateTime, demand));

    /// <inheritdoc />
    public Task<string?> DeviceOfAsync(Guid job) => Task.FromResult(_ledger.DeviceOf(job));

    /// <inheritdoc />
    public Task ReleaseAsync(SiloAddress silo, Guid job)
    {
        _ledger.Release(silo, job);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> FreeSlotsAsync(JobDemand demand) => Task.FromResult(_ledger.FreeSlots(clock.GetUtcNow().UtcDateTime, demand));

    /// <inheritdoc />
    public Task<IReadOnlyList<WorkerStatusDto>> ListAsync() => Task.FromResult(_ledger.List(clock.GetUtcNow().UtcDateTime));
}
