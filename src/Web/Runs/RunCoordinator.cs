using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Hosting;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;

namespace QuantScope.Web.Runs;

/// <summary>
/// Starts engine runs, each on its own thread, pumps their metrics into the ingress, and records how they end.
/// Stopping the host cancels the runs (they end as interrupted) before the persistence service drains.
/// </summary>
public sealed class RunCoordinator(
    RunRepository runs, MetricIngress ingress, QuantScopeDatabase database, IOptions<TrainingOptions> training, ILogger<RunCoordinator> log) : IHostedService
{
    /// <summary>Cached pretraining checkpoints live in this folder next to the database file.</summary>
    public const string CheckpointFolder = "checkpoints";

    private readonly ConcurrentDictionary<Guid, ActiveRun> _active = new();
    private readonly RunHost _host = new(new RunHostOptions { Niceness = training.Value.Niceness });
    private readonly EngineRunRecorder _recorder = new(runs);
    private volatile bool _stopping;

    /// <summary>Ids of the runs training now.</summary>
    public IReadOnlyCollection<Guid> ActiveRuns => _active.Keys.ToList();

    /// <summary>Records a new run with a validated config and starts training it in the background.</summary>
    public Task<Guid> StartAsync(ValidTrainConfig config, CancellationToken ct) => StartAsync(config, null, ct);

    /// <summary>
    /// Starts training a validated config in the background: a new run, or (<paramref name="pendingId"/>) one already
    /// recorded as pending with this config (a sweep records all its runs up front, then starts them in turn).
    /// </summary>
    public async Task<Guid> StartAsync(ValidTrainConfig config, Guid? pendingId, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);

        var id = pendingId ?? Guid.NewGuid();
        if (pendingId is null) await _recorder.CreateAsync(id, config.Config, ct);

        var run = new ActiveRun(id, config, new RunHandle(id));
        _active[id] = run;
        Launch(run);
        return id;
    }

    /// <summary>
    /// Restarts an interrupted, failed or cancelled engine run under the same id from its latest checkpoint: status back
    /// to running, metrics continue after the checkpoint's step (the stored points up to it stay; a later step already
    /// stored is replaced, so each step keeps exactly one point).
    /// </summary>
    /// <returns>The step count of the checkpoint the run continues after.</returns>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="RunResumeException">The run is active, not an engine run, completed, or has no usable checkpoint.</exception>
    public async Task<int> ResumeAsync(Guid runId, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        var entity = await runs.GetAsync(runId, ct) ?? throw new RunNotFoundException(runId);
        var (config, step) = RunResumeCheck.Check(entity, _active.ContainsKey(runId), TrainerOptions.CheckpointDirectory!);
        var run = new ActiveRun(runId, config, new RunHandle(runId)) { ResumeFrom = step };
        if (!_active.TryAdd(runId, run)) throw new RunResumeException($"Run {runId} is training now: it cannot be resumed while it runs.");
        try
        {
            // Running from the answer on, not from when the thread gets going. Atomic in the store: of two dashboards
            // resuming the same run at once, one claims it and the other gets a 409.
            if (!await runs.ClaimForResumeAsync(runId, ct))
                throw new RunResumeException($"Run {runId} was resumed or changed meanwhile (by another request or dashboard): it is no longer interrupted, failed or cancelled.");
        }
        catch
        {
            _active.TryRemove(runId, out _);
            throw;
        }

        Launch(run);
        return step;
    }

    private void Launch(ActiveRun run) =>
        _host.Start(run.Handle, () => new RunSpec(run.Config, TrainerOptions with { ResumeFromStep = run.ResumeFrom }), new DashboardRunSink(run.Id, run.Config.Config, _recorder, ingress, log, () =>
        {
            _active.TryRemove(run.Id, out _);
            run.Ended.TrySetResult();
        }));

    /// <summary>Asks a run to stop; it ends within one step as cancelled. False when the run is not active.</summary>
    public bool Cancel(Guid id)
    {
        if (!_active.TryGetValue(id, out var run)) return false;
        run.Handle.Cancel();
        return true;
    }

    /// <summary>Waits until the run has ended and its end is queued behind its points.</summary>
    public Task WaitForEndAsync(Guid id) => _active.TryGetValue(id, out var run) ? run.Ended.Task : Task.CompletedTask;

    /// <summary>The options every engine run gets (checkpoints and the pretraining cache next to the database).</summary>
    public TrainerOptions TrainerOptions => new()
    {
        CheckpointDirectory = Path.Combine(Path.GetDirectoryName(database.Path)!, CheckpointFolder),
        DefaultDevice = training.Value.DefaultDevice, // Training:Device, for configs that name none
    };

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var running = _active.Values.ToList();
        foreach (var run in running)
        {
            run.Handle.Interrupt();
        }
        await Task.WhenAll(running.Select(r => r.Ended.Task)).WaitAsync(cancellationToken);
    }

    private sealed record ActiveRun(Guid Id, ValidTrainConfig Config, RunHandle Handle)
    {
        /// <summary>Null = a fresh start; else the checkpoint step it resumes from.</summary>
        public int? ResumeFrom { get; init; }

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
