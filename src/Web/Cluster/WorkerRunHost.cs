using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantScope.Engine.Devices;
using QuantScope.Engine.Hosting;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Reliability;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cluster;

/// <summary>
/// Trains the jobs placed on this worker, each on a <see cref="RunHost"/> thread (as <see cref="RunCoordinator"/> does for
/// local runs), and sends their metrics to the dashboard's <see cref="IRunSink"/> through a <see cref="WorkerRunSink"/>,
/// awaiting each batch (back-pressure). Checkpoints
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
    // The worker's slots train in this one process and share its cores (one budget, one libtorch pool).
    private readonly RunHost _host = new(new RunHostOptions { Niceness = training.Value.Niceness, Threads = new ThreadBudget(training.Value.ThreadBudget, followLoad: true) });
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

    /// <summary>
    /// Starts <paramref name="job"/> on a new thread unless it is here already; returns it. <paramref name="cudaDevice"/>:
    /// the device placement held for a CUDA job here (<c>cuda:N</c>), which replaces the config's <c>cuda</c>.
    /// </summary>
    public WorkerRun Start(RunJobDto job, IRunSink sink, string? cudaDevice = null)
    {
        if (_stopping) throw new InvalidOperationException($"worker {WorkerName} is stopping; the job goes to another worker");
        var run = _runs.GetOrAdd(job.RunId, _ => new WorkerRun(job, sink, WorkerName) { CudaDevice = cudaDevice });
        if (run.Job != job) return run;
        lock (run)
        {
            if (run.Started) return run;
            run.Started = true;
        }
        log.LogInformation("Worker {Worker} starts run {RunId} (attempt {Attempt})", WorkerName, job.RunId, job.Attempt);
        // Below the silo's own threads, so heartbeats and metric sends are served first.
        _host.Start(new RunHandle(job.RunId, run.Cancellation.Token), () => Prepare(run), new WorkerRunSink(this, run, log));
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

    // The job's end, on its training thread: unless the worker is handing it to another worker, its state and summary
    // stay here for the dashboard's next poll, and its slot is freed at once.
    internal void Ended(WorkerRun run, RunEnd end)
    {
        if (end.Status == RunStatus.Failed) log.LogWarning(end.Error, "Run {RunId} failed on {Worker}", run.Job.RunId, WorkerName);
        if (!run.Interrupted)
        {
            var error = end.Error switch
            {
                null => null,
                _ when end.FailedIn == RunFailureSource.Sink => $"the worker could not send metrics to the dashboard: {end.Error.Message}",
                _ => RunFailureReason.Describe(end.Error),
            };
            var summaryJson = end.Summary is null ? null : JsonSerializer.Serialize(end.Summary, JsonDefaults.Options);
            run.Status = run.Status with { State = end.Status, Error = error, SummaryJson = summaryJson };
            _ = ReleaseAsync(run.Job.RunId);
        }
        run.Done.TrySetResult();
    }

    // On the training thread: the job's config, and the checkpoint it resumes after.
    internal RunSpec Prepare(WorkerRun run)
    {
        var config = ReadConfig(run.Job.ConfigJson, run.CudaDevice);
        var resume = ResumeStep(run.Job.RunId, config.Config);
        run.Status = run.Status with { ResumedAfter = resume };
        // A config without a device trains on this worker's Training:Device (auto unless the worker's settings say).
        var options = new TrainerOptions { CheckpointDirectory = CheckpointRoot, ResumeFromStep = resume, DefaultDevice = training.Value.DefaultDevice };
        return new RunSpec(config, options);
    }

    /// <summary>
    /// <paramref name="config"/> on the CUDA device placement held for it: a <c>cuda</c> (or <c>cuda:N</c>) config takes
    /// <paramref name="cudaDevice"/>; any other config, or no held device, stays as it is.
    /// </summary>
    public static TrainConfig OnHeldDevice(TrainConfig config, string? cudaDevice) =>
        cudaDevice is not null && config.Device is { Kind: DeviceKind.Cuda } && DeviceSetting.TryParse(cudaDevice, out var held)
            ? config with { Device = held }
            : config;

    /// <summary>Calls the dashboard, trying again up to <see cref="SendAttempts"/> times a second apart.</summary>
    internal static async Task SendAsync(Func<Task> send)
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

    private static ValidTrainConfig ReadConfig(string json, string? cudaDevice)
    {
        var config = OnHeldDevice(JsonSerializer.Deserialize<TrainConfig>(json, JsonDefaults.Options)
            ?? throw new ArgumentException("the job's config is empty", nameof(json)), cudaDevice);
        var result = ConfigValidator.Validate(config);
        return result.Value ?? throw new ArgumentException(string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")), nameof(json));
    }
}
