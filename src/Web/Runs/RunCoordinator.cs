using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;
using QuantScope.Web.Setup;

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

    /// <summary>Batches a run may get ahead of the persist queue before its training thread waits.</summary>
    public const int RunChannelCapacity = 64;

    private readonly ConcurrentDictionary<Guid, ActiveRun> _active = new();
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

        var channel = Channel.CreateBounded<MetricBatch>(new BoundedChannelOptions(RunChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        var run = new ActiveRun(id, config, new CancellationTokenSource(), channel);
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
        var channel = Channel.CreateBounded<MetricBatch>(new BoundedChannelOptions(RunChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        var run = new ActiveRun(runId, config, new CancellationTokenSource(), channel) { ResumeFrom = step };
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

    private void Launch(ActiveRun run)
    {
        run.Pump = PumpAsync(run);
        var thread = new Thread(() => Train(run)) { IsBackground = true, Name = $"train-{run.Id:N}" };
        thread.Start();
    }

    /// <summary>Asks a run to stop; it ends within one step as cancelled. False when the run is not active.</summary>
    public bool Cancel(Guid id)
    {
        if (!_active.TryGetValue(id, out var run)) return false;
        run.Cancellation.Cancel();
        return true;
    }

    /// <summary>Waits until the run has ended and its end is queued behind its points.</summary>
    public Task WaitForEndAsync(Guid id) => _active.TryGetValue(id, out var run) ? run.Ended.Task : Task.CompletedTask;

    // Runs on the run's dedicated thread. Blocking waits are fine here: this thread does nothing else.
    private void Train(ActiveRun run)
    {
        // Below the server's threads, before the first tensor op (libtorch's worker threads inherit it).
        if (!TrainingThreadPriority.Lower(training.Value.Niceness))
            log.LogWarning("Run {RunId}: the OS refused to lower the training thread's priority", run.Id);
        var ct = run.Cancellation.Token;
        var status = RunStatus.Completed;
        string? error = null;
        Trainer? trainer = null;
        RunSummary? summary = null;
        try
        {
            trainer = new Trainer(run.Config, TrainerOptions with
            {
                ResumeFromStep = run.ResumeFrom,
                BeforeCheckpoint = (_, token) => WaitUntilStored(run, token),
            });
            _recorder.MarkStartedAsync(run.Id, trainer, ct).GetAwaiter().GetResult();
            ingress.AnnounceStatus(run.Id, RunStatus.Running, null, trainer.Layout.Layers);
            summary = trainer.Run(run.Id, run.Channel.Writer, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = _stopping ? RunStatus.Interrupted : RunStatus.Cancelled;
        }
        catch (Exception ex)
        {
            status = RunStatus.Failed; // diverged (NaN/Inf), out of memory, or any other error: this run only
            error = Reliability.RunFailureReason.Describe(ex);
            log.LogWarning(ex, "Run {RunId} failed", run.Id);
        }
        finally
        {
            run.Channel.Writer.TryComplete();
            summary ??= trainer?.SummarySoFar(run.Id, status.ToString().ToLowerInvariant());
            trainer?.Dispose();
        }
        try
        {
            if (summary is not null) _recorder.SetSummaryAsync(run.Id, summary, CancellationToken.None).GetAwaiter().GetResult();
            // The end goes into the persist queue behind the run's last points.
            run.Pump!.GetAwaiter().GetResult();
            ingress.EndRunAsync(run.Id, status, error, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Recording the end of run {RunId} failed", run.Id);
        }
        finally
        {
            _active.TryRemove(run.Id, out _);
            run.Ended.TrySetResult();
        }
    }

    /// <summary>The options every engine run gets (checkpoints and the pretraining cache next to the database).</summary>
    public TrainerOptions TrainerOptions => new()
    {
        CheckpointDirectory = Path.Combine(Path.GetDirectoryName(database.Path)!, CheckpointFolder),
    };

    private async Task PumpAsync(ActiveRun run)
    {
        var reader = run.Channel.Reader;
        if (run.Config.Config.CheckpointEvery <= 0)
        {
            await foreach (var batch in reader.ReadAllAsync(CancellationToken.None)) await ingress.PublishAsync(batch, CancellationToken.None);
            return;
        }

        // A checkpointing run learns when its points commit; a batch leaves the channel only once it is queued, so an
        // empty channel means every batch so far is queued and LastStored is the commit of the newest one.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (reader.TryPeek(out var batch))
            {
                run.LastStored = await ingress.PublishCommittedAsync(batch, merge: false, CancellationToken.None);
                reader.TryRead(out _);
            }
        }
    }

    // The training thread, before a checkpoint: wait until every point emitted so far is committed, so the checkpoint
    // never runs ahead of the stored series (a resume from it leaves no gap). Blocking is fine on this thread.
    private static void WaitUntilStored(ActiveRun run, CancellationToken ct)
    {
        while (run.Channel.Reader.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(1); // a few ms at most: the pump queues one batch per persist-queue slot
        }

        run.LastStored?.Wait(ct);
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var running = _active.Values.ToList();
        foreach (var run in running)
        {
            run.Cancellation.Cancel();
        }
        await Task.WhenAll(running.Select(r => r.Ended.Task)).WaitAsync(cancellationToken);
    }

    private sealed record ActiveRun(Guid Id, ValidTrainConfig Config, CancellationTokenSource Cancellation, Channel<MetricBatch> Channel)
    {
        private Task? _lastStored;

        public Task? Pump { get; set; }

        /// <summary>Null = a fresh start; else the checkpoint step it resumes from.</summary>
        public int? ResumeFrom { get; init; }

        /// <summary>Completes when the newest queued batch has committed (checkpointing runs only).</summary>
        public Task? LastStored
        {
            get => Volatile.Read(ref _lastStored);
            set => Volatile.Write(ref _lastStored, value);
        }
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
