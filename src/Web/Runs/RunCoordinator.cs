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
/// Starts engine runs, each on its own thread, pumps their metrics into the ingress, and records how they end. At most
/// <c>Training:MaxConcurrentRuns</c> train at once, sharing <c>Training:Threads</c> cores; later ones are queued and
/// start as runs end (queued runs survive a restart). Stopping the host cancels the runs (they end as interrupted)
/// before the persistence service drains.
/// </summary>
public sealed class RunCoordinator(
    RunRepository runs, MetricIngress ingress, QuantScopeDatabase database, IOptions<TrainingOptions> training, ILogger<RunCoordinator> log) : IHostedService
{
    /// <summary>Cached pretraining checkpoints live in this folder next to the database file.</summary>
    public const string CheckpointFolder = "checkpoints";

    private readonly ConcurrentDictionary<Guid, ActiveRun> _active = new();
    private readonly RunHost _host = new(new RunHostOptions { Niceness = training.Value.Niceness, Threads = new ThreadBudget(training.Value.ThreadBudget, followLoad: true) });
    private readonly RunQueue _queue = new(training.Value.ConcurrentRuns);
    private readonly EngineRunRecorder _recorder = new(runs);
    private volatile bool _stopping;

    /// <summary>Ids of the runs training or queued now.</summary>
    public IReadOnlyCollection<Guid> ActiveRuns => _active.Keys.ToList();

    /// <summary>1-based place of a queued run in the line (null when it is not queued).</summary>
    public int? QueuePosition(Guid id) => _queue.Position(id);

    /// <summary>Runs that may train at once here, and the cores they share.</summary>
    public (int Runs, int Threads) Capacity => (_queue.Slots, _host.Options.Threads!.Threads);

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
        await LaunchOrQueueAsync(run, ct);
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

        await LaunchOrQueueAsync(run, ct);
        return step;
    }

    // Trains the run now when a slot is free, else records it as queued; it starts when a slot frees (Launch below).
    private async Task LaunchOrQueueAsync(ActiveRun run, CancellationToken ct)
    {
        if (_queue.Enter(run.Id))
        {
            Launch(run);
            return;
        }

        await runs.MarkQueuedAsync(run.Id, ct);
        ingress.AnnounceStatus(run.Id, RunStatus.Queued, null, null);
    }

    private void Launch(ActiveRun run) =>
        _host.Start(run.Handle, () => new RunSpec(run.Config, TrainerOptions with { ResumeFromStep = run.ResumeFrom }), new DashboardRunSink(run.Id, run.Config.Config, _recorder, ingress, log, () =>
        {
            _active.TryRemove(run.Id, out _);
            run.Ended.TrySetResult();
            foreach (var next in _queue.Leave(run.Id))
                if (!_stopping && _active.TryGetValue(next, out var waiting)) Launch(waiting);
        }));

    /// <summary>Asks a run to stop; it ends within one step as cancelled (a queued run at once). False when the run is not active.</summary>
    public bool Cancel(Guid id)
    {
        if (!_active.TryGetValue(id, out var run)) return false;
        if (_queue.Withdraw(id))
        {
            _ = EndQueuedAsync(run, RunStatus.Cancelled);
            return true;
        }

        run.Handle.Cancel();
        return true;
    }

    // A queued run that never started: its end goes through the ingress like any other.
    private async Task EndQueuedAsync(ActiveRun run, RunStatus status)
    {
        try
        {
            await ingress.EndRunAsync(run.Id, status, null, CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Recording the end of queued run {RunId} failed", run.Id);
        }
        finally
        {
            _active.TryRemove(run.Id, out _);
            run.Ended.TrySetResult();
        }
    }

    /// <summary>Waits until the run has ended and its end is queued behind its points.</summary>
    public Task WaitForEndAsync(Guid id) => _active.TryGetValue(id, out var run) ? run.Ended.Task : Task.CompletedTask;

    /// <summary>The options every engine run gets (checkpoints and the pretraining cache next to the database).</summary>
    public TrainerOptions TrainerOptions => new()
    {
        CheckpointDirectory = Path.Combine(Path.GetDirectoryName(database.Path)!, CheckpointFolder),
        DefaultDevice = training.Value.DefaultDevice, // Training:Device, for configs that name none
    };

    // Runs that were queued when the server stopped never started: they queue again, from scratch.
    async Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        foreach (var run in (await runs.ListAsync(cancellationToken)).Where(r => r is { Status: RunStatus.Queued, Kind: RunKinds.Engine }))
        {
            var (config, errors) = Api.ConfigReader.Read(run.ConfigJson);
            if (config is null)
            {
                await runs.MarkEndedAsync(run.Id, RunStatus.Failed, "queued before a restart, its config no longer validates: " + string.Join("; ", errors), cancellationToken);
                continue;
            }

            await StartAsync(config, run.Id, cancellationToken);
        }
    }

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        foreach (var queued in _active.Values.Where(r => _queue.Withdraw(r.Id)).ToList())
        {
            _active.TryRemove(queued.Id, out _); // stays queued in the store: it queues again at the next start
            queued.Ended.TrySetResult();
        }

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
