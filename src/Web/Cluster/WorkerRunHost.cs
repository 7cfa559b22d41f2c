using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Reliability;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Trains the jobs placed on this worker, each on its own thread (as <see cref="RunCoordinator"/> does for local runs),
/// and sends their metrics to the dashboard's <see cref="IRunSink"/>, awaiting each batch (back-pressure). Checkpoints
/// go to <see cref="ClusterModeOptions.CheckpointRoot"/>, shared by all workers. When the worker stops, its runs are
/// interrupted without an end: the dashboard places them again on another worker.
/// </summary>
public sealed class WorkerRunHost(
    IOptions<ClusterModeOptions> options, IOptions<TrainingOptions> training, ILocalSiloDetails silo, IGrainFactory grains, ILogger<WorkerRunHost> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Tries per call to the dashboard before the run fails as unable to report.</summary>
    public const int SendAttempts = 10;

    private static readonly TimeSpan SendRetryDelay = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, WorkerRun> _runs = new();
    private volatile bool _stopping;

    /// <summary>True once this worker began to stop: it starts nothing more (its jobs go to other workers).</summary>
    public bool Stopping => _stopping;

    /// <summary>This worker's name (<see cref="ClusterModeOptions.WorkerName"/>, else the silo's name).</summary>
    public string WorkerName => string.IsNullOrWhiteSpace(options.Value.WorkerName) ? silo.Name : options.Value.WorkerName!;

    /// <summary>Checkpoint folder of every run on this worker.</summary>
    public string CheckpointRoot => options.Value.CheckpointRoot is { Length: > 0 } root
        ? Path.GetFullPath(root)
        : Path.Combine(Path.GetTempPath(), "quantscope-cluster-checkpoints");

    /// <summary>Ids of the jobs training here now.</summary>
    public IReadOnlyList<Guid> Running => _runs.Values.Where(r => !r.Status.Ended && !r.Interrupted).Select(r => r.Job.RunId).ToList();

    /// <summary>The job with this id on this worker (running or ended and not yet forgotten).</summary>
    public WorkerRun? Find(Guid runId) => _runs.GetValueOrDefault(runId);

    /// <summary>Starts <paramref name="job"/> on a new thread unless it is here already; returns it.</summary>
    public WorkerRun Start(RunJobDto job, IRunSink sink)
    {
        if (_stopping) throw new InvalidOperationException($"worker {WorkerName} is stopping; the job goes to another worker");
        var run = _runs.GetOrAdd(job.RunId, _ => new WorkerRun(job, sink, WorkerName));
        if (run.Job != job) return run;
        lock (run)
        {
            if (run.Started) return run;
            run.Started = true;
        }
        log.LogInformation("Worker {Worker} starts run {RunId} (attempt {Attempt})", WorkerName, job.RunId, job.Attempt);
        new Thread(() => Train(run)) { IsBackground = true, Name = $"job-{job.RunId:N}" }.Start();
        return run;
    }

    /// <summary>Drops an ended (or interrupted) job from this worker's memory.</summary>
    public void Forget(Guid runId)
    {
        if (_runs.TryGetValue(runId, out var run) && (run.Status.Ended || run.Interrupted)) _runs.TryRemove(runId, out _);
    }

    /// <summary>Interrupts the run (this activation goes away): it keeps no end, another worker resumes it.</summary>
    public Task InterruptAsync(Guid runId, CancellationToken ct)
    {
        if (!_runs.TryGetValue(runId, out var run) || run.Status.Ended) return Task.CompletedTask;
        run.Interrupted = true;
        run.Cancellation.Cancel();
        return run.Done.Task.WaitAsync(ct);
    }

    void ILifecycleParticipant<ISiloLifecycle>.Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WorkerRunHost), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAsync);

    private async Task StopAsync(CancellationToken ct)
    {
        _stopping = true;
        var running = _runs.Values.Where(r => !r.Status.Ended).ToList();
        foreach (var run in running)
        {
            run.Interrupted = true;
            await run.Cancellation.CancelAsync();
        }
        try
        {
            await Task.WhenAll(running.Select(r => r.Done.Task)).WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // Ungraceful stop: the threads end on their own within a step.
        }
    }

    // Runs on the job's own thread: blocking waits are fine, this thread does nothing else.
    private void Train(WorkerRun run)
    {
        var job = run.Job;
        // Below the silo's own threads, so heartbeats and metric sends are served first (libtorch's threads inherit it).
        if (!TrainingThreadPriority.Lower(training.Value.Niceness))
            log.LogWarning("Run {RunId}: the OS refused to lower the training thread's priority", job.RunId);
        var ct = run.Cancellation.Token;
        var state = JobState.Completed;
        string? error = null;
        Trainer? trainer = null;
        RunSummary? summary = null;
        var channel = Channel.CreateBounded<MetricBatch>(new BoundedChannelOptions(RunCoordinator.RunChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        var pump = Task.CompletedTask;
        try
        {
            var config = ReadConfig(job.ConfigJson);
            var resume = ResumeStep(job.RunId, config.Config);
            run.Status = run.Status with { ResumedAfter = resume };
            trainer = new Trainer(config, new TrainerOptions
            {
                CheckpointDirectory = CheckpointRoot,
                ResumeFromStep = resume,
                BeforeCheckpoint = (_, token) => WaitDurable(run, channel.Reader, token),
            });
            var plan = new EffectivePlanDto(config.Config.ResolvePlan().Name, trainer.EffectivePlan, trainer.PlanWarnings);
            var start = new RunStartDto(
                job.RunId, job.Attempt, WorkerName, trainer.Layout.Layers, JsonSerializer.Serialize(plan, JsonDefaults.Options), resume);
            SendAsync(() => run.Sink.StartedAsync(start)).GetAwaiter().GetResult();
            pump = PumpAsync(run, channel.Reader);
            summary = trainer.Run(job.RunId, channel.Writer, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            state = JobState.Cancelled;
        }
        catch (Exception ex)
        {
            state = JobState.Failed;
            error = RunFailureReason.Describe(ex);
            log.LogWarning(ex, "Run {RunId} failed on {Worker}", job.RunId, WorkerName);
        }
        finally
        {
            channel.Writer.TryComplete();
            summary ??= trainer?.SummarySoFar(job.RunId, state.ToString().ToLowerInvariant());
            trainer?.Dispose();
        }

        try
        {
            pump.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            state = JobState.Failed;
            error = $"the worker could not send metrics to the dashboard: {ex.Message}";
        }

        if (!run.Interrupted)
        {
            var summaryJson = summary is null ? null : JsonSerializer.Serialize(summary, JsonDefaults.Options);
            run.Status = run.Status with { State = state, Error = error, SummaryJson = summaryJson };
            _ = ReleaseAsync(job.RunId);
        }
        run.Done.TrySetResult();
    }

    private async Task PumpAsync(WorkerRun run, ChannelReader<MetricBatch> reader)
    {
        try
        {
            await foreach (var batch in reader.ReadAllAsync(CancellationToken.None))
            {
                run.Sending = true;
                var dto = MetricBatchDto.From(batch, run.Job.Attempt);
                await SendAsync(() => run.Sink.PublishAsync(dto));
                run.Status = run.Status with { LastStep = Math.Max(run.Status.LastStep, batch.LastStep) };
                run.Sending = false;
            }
        }
        catch
        {
            // Stop the trainer (it would wait forever on a full channel), then report why.
            await run.Cancellation.CancelAsync();
            throw;
        }
    }

    private static async Task SendAsync(Func<Task> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await send();
                return;
            }
            catch (Exception) when (attempt < SendAttempts)
            {
                await Task.Delay(SendRetryDelay);
            }
        }
    }

    // On the training thread, before a checkpoint: every batch up to it is sent and committed in the dashboard's store,
    // so a resume from this checkpoint never leaves a gap. Checkpoints are rare (every CheckpointEvery steps): polling is fine.
    private static void WaitDurable(WorkerRun run, ChannelReader<MetricBatch> pending, CancellationToken ct)
    {
        while (pending.Count > 0 || run.Sending)
        {
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(5);
        }
        SendAsync(() => run.Sink.CommittedAsync(run.Job.RunId)).GetAwaiter().GetResult();
    }

    // The latest complete checkpoint another attempt left in the shared folder, or null (fresh start) when there is none
    // or it does not fit this config.
    private int? ResumeStep(Guid runId, TrainConfig config)
    {
        var step = CheckpointWriter.LatestResumable(CheckpointRoot, runId);
        if (step is null) return null;
        try
        {
            CheckpointWriter.CheckResumable(CheckpointRoot, runId, step.Value, config);
            return step;
        }
        catch (ResumeCheckpointException ex)
        {
            log.LogWarning("Run {RunId} starts afresh: its checkpoint after step {Step} is unusable ({Reason})", runId, step, ex.Message);
            return null;
        }
    }

    private async Task ReleaseAsync(Guid runId)
    {
        try
        {
            await grains.GetGrain<IWorkerDirectoryGrain>(0).ReleaseAsync(silo.SiloAddress, runId);
        }
        catch (Exception ex)
        {
            log.LogDebug(ex, "Releasing the slot of {RunId} failed; the next heartbeat frees it", runId);
        }
    }

    private static ValidTrainConfig ReadConfig(string json)
    {
        var config = JsonSerializer.Deserialize<TrainConfig>(json, JsonDefaults.Options)
            ?? throw new ArgumentException("the job's config is empty", nameof(json));
        var result = ConfigValidator.Validate(config);
        return result.Value ?? throw new ArgumentException(string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")), nameof(json));
    }
}
