namespace QuantScope.Web.Cluster;

/// <summary>
/// A sweep's run on the worker this activation was placed on (see <see cref="IRunJobGrain"/>). The grain only answers
/// and delegates: training happens on <see cref="WorkerRunHost"/>'s thread, never inside a grain turn.
/// </summary>
[FreeCapacityPlacement]
public sealed class RunJobGrain(WorkerRunHost host, ILocalSiloDetails silo) : Grain, IRunJobGrain
{
    /// <inheritdoc />
    public async Task<JobStatusDto> EnsureAsync(RunJobDto job, IRunSink sink)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.RunId != this.GetPrimaryKey()) throw new ArgumentException($"job.RunId {job.RunId} is not this grain's key", nameof(job));
        var run = host.Find(job.RunId);
        if (run is null || run.Interrupted)
        {
            host.Forget(job.RunId);
            // A CUDA job trains on the device placement held for it here (one CUDA job per device).
            var device = await GrainFactory.GetGrain<IWorkerDirectoryGrain>(0).DeviceOfAsync(job.RunId);
            run = host.Start(job, sink, device);
        }
        else
        {
            run.Sink = sink;
        }
        return run.Status;
    }

    /// <inheritdoc />
    public Task<JobStatusDto?> PeekAsync() => Task.FromResult(host.Find(this.GetPrimaryKey()) is { Interrupted: false } run ? run.Status : null);

    /// <inheritdoc />
    public Task CancelAsync()
    {
        host.Find(this.GetPrimaryKey())?.Cancellation.Cancel();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task ForgetAsync()
    {
        host.Forget(this.GetPrimaryKey());
        DeactivateOnIdle();
        // Frees the slot held for this job at placement (a job that never trained here reports nothing that would).
        await GrainFactory.GetGrain<IWorkerDirectoryGrain>(0).ReleaseAsync(silo.SiloAddress, this.GetPrimaryKey());
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The activation goes (worker stopping, or collected): a run still training here is interrupted, not ended,
        // so the dashboard's next call places it again and it resumes elsewhere.
        try
        {
            await host.InterruptAsync(this.GetPrimaryKey(), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Deactivation timed out: the thread ends on its own within a step.
        }
        host.Forget(this.GetPrimaryKey());
    }
}
