using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Cluster;

/// <summary>One job training on this worker: its attempt, where it stands, and the sink its metrics go to.</summary>
public sealed class WorkerRun(RunJobDto job, IRunSink sink, string worker)
{
    private volatile JobStatusDto _status = new(RunStatus.Running, job.Attempt, worker, -1, null, null, null);

    /// <summary>The job as started.</summary>
    public RunJobDto Job { get; } = job;

    /// <summary>The CUDA device placement held for this job on this worker (<c>cuda:N</c>), or null: the config's device (or the worker's default) stands.</summary>
    public string? CudaDevice { get; init; }

    /// <summary>Where the metrics go; replaced when the dashboard calls again with a fresh reference.</summary>
    public IRunSink Sink { get; set; } = sink;

    /// <summary>Cancels the training (by request, or because this worker stops).</summary>
    public CancellationTokenSource Cancellation { get; } = new();

    /// <summary>Set once a thread trains it (guarded by a lock on this object).</summary>
    public bool Started { get; set; }

    /// <summary>Set when the worker itself is stopping: the run is interrupted, not ended, and another worker takes it over.</summary>
    public volatile bool Interrupted;

    /// <summary>Completes once the run has ended and its metrics were sent.</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The latest status (read by the job grain, written by the training thread).</summary>
    public JobStatusDto Status
    {
        get => _status;
        set => _status = value;
    }
}
