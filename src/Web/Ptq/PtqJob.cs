using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Api;

namespace QuantScope.Web.Ptq;

/// <summary>One queued or running PTQ analysis; progress is written by the worker thread and read by pollers.</summary>
public sealed class PtqJob(Guid runId, PtqPrepared prepared, PtqRequest request) : IProgress<PtqProgress>
{
    private volatile PtqProgress? _progress;
    private volatile RunStatus _status = RunStatus.Pending; // queued

    /// <summary>Job id.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The run analysed.</summary>
    public Guid RunId { get; } = runId;

    /// <summary>The run's config and checkpoints.</summary>
    public PtqPrepared Prepared { get; } = prepared;

    /// <summary>What to measure.</summary>
    public PtqRequest Request { get; } = request;

    /// <summary>The report once completed.</summary>
    public PtqReport? Result { get; private set; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Ends when the job does.</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public void Report(PtqProgress value) => _progress = value;

    /// <summary>Marks the job running.</summary>
    public void Start() => _status = RunStatus.Running;

    /// <summary>Ends the job with a report, an error or a cancellation.</summary>
    public void Finish(PtqReport? result, string? error, bool cancelled = false)
    {
        Result = result;
        Error = error;
        _status = cancelled ? RunStatus.Cancelled : result is not null ? RunStatus.Completed : RunStatus.Failed;
        Ended.TrySetResult();
    }

    /// <summary>The job's wire form.</summary>
    public PtqJobDto ToDto()
    {
        var p = _progress;
        return new PtqJobDto(Id, RunId, _status, p?.Stage, p?.Done ?? 0, p?.Total ?? 0, Error, Result);
    }
}
