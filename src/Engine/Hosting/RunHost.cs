using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// Trains runs, each on its own thread (TorchSharp dispose scopes are thread-static): lowers the thread's priority,
/// builds the trainer, streams its batches through a bounded channel to the run's <see cref="IRunSink"/>, awaits the
/// sink before every checkpoint (so a checkpoint never runs ahead of the stored series), and classifies the end once:
/// completed, cancelled, interrupted or failed (a diverged run's error names the layer). The dashboard, the CLI and
/// the cluster worker each give it only their sink.
/// </summary>
public sealed class RunHost(RunHostOptions options)
{
    /// <summary>The options every run of this host gets.</summary>
    public RunHostOptions Options { get; } = options;

    /// <summary>
    /// Starts training on a new thread and returns at once; <see cref="RunHandle.Completion"/> tells the end.
    /// <paramref name="prepare"/> runs on the training thread (an exception there fails the run in
    /// <see cref="RunFailureSource.Setup"/>, like a config the trainer refuses).
    /// </summary>
    /// <exception cref="InvalidOperationException">The handle was started already.</exception>
    public void Start(RunHandle handle, Func<RunSpec> prepare, IRunSink sink, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(prepare);
        ArgumentNullException.ThrowIfNull(sink);
        handle.MarkStarted();
        var pipe = new RunPipe(Options, sink, handle);
        var thread = new Thread(() => Train(handle, prepare, sink, pipe, progress))
        {
            IsBackground = true, Name = $"train-{handle.RunId:N}",
        };
        thread.Start();
    }

    // The run's own thread: blocking waits are fine here, this thread does nothing else.
    private void Train(RunHandle handle, Func<RunSpec> prepare, IRunSink sink, RunPipe pipe, IProgress<TrainingProgress>? progress)
    {
        // Before the first tensor op: libtorch's worker threads inherit the priority.
        var lowered = TrainingThreadPriority.Lower(Options.Niceness);
        var id = handle.RunId;
        var ct = handle.Token;
        var status = RunStatus.Completed;
        Exception? error = null;
        RunFailureSource? failedIn = null;
        Trainer? trainer = null;
        RunSummary? summary = null;
        try
        {
            using var threads = Options.Threads?.Join(); // this run's share of the host's cores, from now until it ends
            threads?.Apply(); // before the first tensor op on this thread
            var spec = prepare();
            trainer = new Trainer(spec.Config, spec.Options with { BeforeCheckpoint = pipe.AwaitDurable, BetweenSteps = threads is null ? null : () => threads.Apply() });
            sink.StartedAsync(new RunStart(id, trainer, lowered), ct).GetAwaiter().GetResult();
            summary = trainer.Run(id, pipe.Writer, ct, progress);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            status = handle.IsInterrupted ? RunStatus.Interrupted : RunStatus.Cancelled;
        }
        catch (Exception ex)
        {
            (status, error, failedIn) = (RunStatus.Failed, ex, trainer is null ? RunFailureSource.Setup : RunFailureSource.Training);
        }
        finally
        {
            pipe.Complete();
            summary ??= trainer?.SummarySoFar(id, status);
            trainer?.Dispose();
        }

        pipe.Drained.GetAwaiter().GetResult(); // the end goes behind the run's last points
        if (pipe.Failure is { } refused)
        {
            (status, error, failedIn) = (RunStatus.Failed, refused, RunFailureSource.Sink);
            summary = summary is null ? null : summary with { Status = status };
        }

        var end = new RunEnd(id, status, summary, error, failedIn);
        try
        {
            sink.EndedAsync(end, CancellationToken.None).GetAwaiter().GetResult();
            handle.Finish(end);
        }
        catch (Exception ex)
        {
            handle.Fail(ex);
        }
    }
}
