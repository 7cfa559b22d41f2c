using System.Collections.Concurrent;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Receives remote runs' starts and metrics (the dashboard's <see cref="IRunSink"/>) and puts them on the same path as
/// a local run's: the run record, then <see cref="MetricIngress"/> (lossless store, live charts). Batches of an attempt
/// older than the run's latest are dropped: a replaced worker's late sends never reach the store twice.
/// </summary>
public sealed class ClusterRunSink(RunRepository runs, MetricIngress ingress, ILogger<ClusterRunSink> log) : IRunSink
{
    private readonly ConcurrentDictionary<Guid, RemoteRun> _runs = new();

    /// <summary>Starts accepting this run's starts and metrics.</summary>
    public RemoteRun Track(Guid runId) => _runs.GetOrAdd(runId, id => new RemoteRun(id));

    /// <summary>Stops accepting this run's starts and metrics.</summary>
    public void Untrack(Guid runId) => _runs.TryRemove(runId, out _);

    /// <summary>The run if tracked now.</summary>
    public RemoteRun? Find(Guid runId) => _runs.GetValueOrDefault(runId);

    /// <summary>The runs tracked now.</summary>
    public IReadOnlyCollection<Guid> Tracked => _runs.Keys.ToList();

    /// <inheritdoc />
    public async Task StartedAsync(RunStartDto start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!_runs.TryGetValue(start.RunId, out var run) || !run.Accept(start.Attempt, start.Worker)) return;
        run.NoteResume(start.ResumedAfter);
        log.LogInformation("Run {RunId} attempt {Attempt} started on {Worker} (resumed after step {Step})", start.RunId, start.Attempt, start.Worker, start.ResumedAfter);
        await runs.SetLayersAsync(start.RunId, start.Layers, CancellationToken.None);
        await runs.SetPlanAsync(start.RunId, start.PlanJson, CancellationToken.None);
        await runs.MarkRunningAsync(start.RunId, CancellationToken.None);
        ingress.AnnounceStatus(start.RunId, RunStatus.Running, null, start.Layers);
    }

    /// <inheritdoc />
    public async Task PublishAsync(MetricBatchDto batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_runs.TryGetValue(batch.RunId, out var run) || !run.Accept(batch.Attempt, null)) return;
        // Awaited: a full persist queue holds the worker back, as it holds back a local run's trainer.
        run.LastCommit = await ingress.PublishCommittedAsync(batch.ToBatch(), merge: false, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task CommittedAsync(Guid runId) =>
        _runs.TryGetValue(runId, out var run) ? run.LastCommit : Task.CompletedTask; // the persist queue is FIFO: the last commit covers the earlier ones
}
