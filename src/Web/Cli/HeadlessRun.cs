using System.Threading.Channels;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Cli;

/// <summary>
/// One experiment run outside the web host: the trainer is built, recorded and run on one dedicated thread (TorchSharp
/// dispose scopes are thread-static), while a task drains its metrics channel into SQLite, everything queued at the
/// moment in one transaction. The run's record, summary and end land in the same tables the dashboard uses.
/// </summary>
public sealed class HeadlessRun(ValidTrainConfig config, TrainerOptions options, EngineRunRecorder recorder, RunRepository runs, MetricSeriesWriter writer)
{
    /// <summary>
    /// Null = a new run. Otherwise the stored run this continues (its options carry
    /// <see cref="TrainerOptions.ResumeFromStep"/>): no new record, the same id, the steps after the checkpoint.
    /// </summary>
    public Guid? ResumeRunId { get; init; }

    // Batches the drain has taken from the channel / has committed: a checkpoint waits until they meet.
    private long _taken;
    private long _stored;

    /// <summary>Trains to the end, a failure or cancellation and returns how it ended; the run's end is recorded first.</summary>
    public async Task<RunOutcome> ExecuteAsync(IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var id = ResumeRunId ?? Guid.NewGuid();
        // Cancelled by the caller (Ctrl+C) or by the drain when the database refuses the points.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var channel = Channel.CreateBounded<MetricBatch>(new BoundedChannelOptions(RunCoordinator.RunChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true,
        });
        var drain = DrainAsync(channel.Reader, stop);
        var trained = new TaskCompletionSource<RunOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => trained.SetResult(Train(id, channel, progress, stop.Token)))
        {
            IsBackground = true, Name = $"train-{id:N}",
        };
        thread.Start();

        var outcome = await trained.Task;
        var persistFailure = await drain;
        if (outcome.Rejected) return outcome;
        if (persistFailure is not null)
            outcome = outcome with { Status = RunStatus.Failed, Error = $"writing metrics to the database failed: {persistFailure.Message}" };

        var summary = (outcome.Summary ?? Empty(id)) with { Status = outcome.Status.ToString().ToLowerInvariant() };
        // The run is over whatever the caller's token says now: record its end unconditionally.
        await recorder.SetSummaryAsync(id, summary, CancellationToken.None);
        await runs.MarkEndedAsync(id, outcome.Status, outcome.Error, CancellationToken.None);
        return outcome with { Summary = summary };
    }

    // The dedicated thread. Blocking on the repository is fine here: this thread does nothing else, and no
    // synchronization context is involved.
    private RunOutcome Train(Guid id, Channel<MetricBatch> channel, IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var output = channel.Writer;
        Trainer trainer;
        try
        {
            // A checkpoint waits until every point before it is committed, so a resume from it leaves no gap.
            trainer = new Trainer(config, options with { BeforeCheckpoint = (_, token) => WaitUntilStored(channel.Reader, token) });
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            output.TryComplete();
            return new RunOutcome(RunStatus.Failed, null, ex.Message, Rejected: true);
        }
        catch (Exception ex)
        {
            output.TryComplete();
            return new RunOutcome(RunStatus.Failed, null, ex.Message);
        }

        using (trainer)
        {
            try
            {
                if (ResumeRunId is null) recorder.CreateAsync(id, config.Config, ct).GetAwaiter().GetResult();
                recorder.MarkStartedAsync(id, trainer, ct).GetAwaiter().GetResult();
                return new RunOutcome(RunStatus.Completed, trainer.Run(id, output, ct, progress), null);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return new RunOutcome(RunStatus.Cancelled, trainer.SummarySoFar(id, "cancelled"), null);
            }
            catch (Exception ex)
            {
                return new RunOutcome(RunStatus.Failed, trainer.SummarySoFar(id, "failed"), ex.Message);
            }
            finally
            {
                output.TryComplete();
            }
        }
    }

    private async Task<Exception?> DrainAsync(ChannelReader<MetricBatch> reader, CancellationTokenSource stop)
    {
        Exception? failure = null;
        var pending = new List<MetricBatch>(MetricPersistenceService.MaxBatchesPerFlush);
        // Reads to the end even after a failure, so the training thread never waits on a full channel.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            // Counted before it leaves the channel: an empty channel then means every batch is counted in _taken.
            while (pending.Count < MetricPersistenceService.MaxBatchesPerFlush && reader.TryPeek(out var batch))
            {
                pending.Add(batch);
                Interlocked.Increment(ref _taken);
                reader.TryRead(out _);
            }

            if (failure is null)
            {
                try
                {
                    await writer.WriteAsync(pending, CancellationToken.None);
                    Interlocked.Add(ref _stored, pending.Count);
                }
                catch (Exception ex)
                {
                    failure = ex;
                    await stop.CancelAsync(); // a run whose points cannot be stored is not worth finishing
                }
            }

            pending.Clear();
        }

        return failure;
    }

    // The training thread, before a checkpoint (blocking is fine there). A failed drain cancels the run's token.
    private void WaitUntilStored(ChannelReader<MetricBatch> reader, CancellationToken ct)
    {
        while (reader.Count > 0 || Interlocked.Read(ref _stored) < Interlocked.Read(ref _taken))
        {
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }
    }

    private static RunSummary Empty(Guid id) => new(id, "failed", 0, null, null, null, null, null, []);
}
