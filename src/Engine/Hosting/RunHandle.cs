namespace QuantScope.Engine.Hosting;

/// <summary>
/// One run of a <see cref="RunHost"/>: made first (so a caller can store it before the thread starts), then started
/// once. Cancelling ends the run as cancelled, interrupting as interrupted; either way within one step.
/// </summary>
public sealed class RunHandle
{
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource<RunEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _interrupted;
    private int _started;

    /// <summary>A handle for run <paramref name="runId"/>; cancelling <paramref name="ct"/> cancels the run.</summary>
    public RunHandle(Guid runId, CancellationToken ct = default)
    {
        RunId = runId;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    /// <summary>The run.</summary>
    public Guid RunId { get; }

    /// <summary>
    /// Completes with the run's end once the sink has recorded it (<see cref="IRunSink.EndedAsync"/>); faults when
    /// recording the end threw.
    /// </summary>
    public Task<RunEnd> Completion => _ended.Task;

    /// <summary>True once <see cref="Interrupt"/> was called.</summary>
    public bool IsInterrupted => _interrupted;

    /// <summary>Asks the run to stop; it ends as <see cref="Telemetry.RunStatus.Cancelled"/>.</summary>
    public void Cancel() => _cancellation.Cancel();

    /// <summary>Stops the run because its host stops; it ends as <see cref="Telemetry.RunStatus.Interrupted"/>.</summary>
    public void Interrupt()
    {
        _interrupted = true;
        _cancellation.Cancel();
    }

    internal CancellationToken Token => _cancellation.Token;

    internal void MarkStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) throw new InvalidOperationException($"Run {RunId} was started already.");
    }

    internal void Finish(RunEnd end) => _ended.TrySetResult(end);

    internal void Fail(Exception error) => _ended.TrySetException(error);
}
