using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Hosting;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Cli;

/// <summary>
/// One experiment run outside the web host: a <see cref="RunHost"/> trains it on its own thread, and this run's sink
/// writes its metrics into SQLite, everything queued at the moment in one transaction. The run's record, summary and
/// end land in the same tables the dashboard uses.
/// </summary>
public sealed class HeadlessRun(ValidTrainConfig config, TrainerOptions options, EngineRunRecorder recorder, RunRepository runs, MetricSeriesWriter writer)
{
    /// <summary>
    /// The cores the run may use (<c>--threads</c>); by default the machine's, less those other processes keep busy
    /// (looked at when the run starts and every <see cref="ThreadBudget.LookEvery"/>). Runs of one sweep share it.
    /// </summary>
    public ThreadBudget Threads { get; init; } = new(Environment.ProcessorCount, followLoad: true);

    /// <summary>
    /// Null = a new run. Otherwise the stored run this continues (its options carry
    /// <see cref="TrainerOptions.ResumeFromStep"/>): no new record, the same id, the steps after the checkpoint.
    /// </summary>
    public Guid? ResumeRunId { get; init; }

    /// <summary>Trains to the end, a failure or cancellation and returns how it ended; the run's end is recorded first.</summary>
    public async Task<RunOutcome> ExecuteAsync(IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var id = ResumeRunId ?? Guid.NewGuid();
        // Cancelled by the caller (Ctrl+C), or by the host when the database refuses the points.
        var handle = new RunHandle(id, ct);
        var sink = new HeadlessRunSink(config.Config, ResumeRunId, recorder, runs, writer);
        var host = new RunHost(new RunHostOptions { MaxBatchesPerPublish = MetricPersistenceService.MaxBatchesPerFlush, Threads = Threads });
        host.Start(handle, () => new RunSpec(config, options), sink, progress);
        var end = await handle.Completion;
        return sink.Outcome ?? Outcome(end);
    }

    // How the CLI words an end: the trainer's message, or the database's refusal.
    private static RunOutcome Outcome(RunEnd end) => end switch
    {
        { FailedIn: RunFailureSource.Setup, Error: ArgumentException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException }
            => new RunOutcome(RunStatus.Failed, null, end.Error.Message, Rejected: true),
        { FailedIn: RunFailureSource.Sink } => new RunOutcome(RunStatus.Failed, end.Summary, $"writing metrics to the database failed: {end.Error!.Message}"),
        _ => new RunOutcome(end.Status, end.Summary, end.Error?.Message),
    };

    private static RunSummary Empty(Guid id) => new(id, RunStatus.Failed, 0, null, null, null, null, null, []);

    // The run's record and metrics in the CLI's database. Blocking is fine on the training thread.
    private sealed class HeadlessRunSink(
        TrainConfig config, Guid? resumeRunId, EngineRunRecorder recorder, RunRepository runs, MetricSeriesWriter writer) : IRunSink
    {
        /// <summary>The recorded outcome (null when recording it threw).</summary>
        public RunOutcome? Outcome { get; private set; }

        public async Task StartedAsync(RunStart start, CancellationToken ct)
        {
            if (resumeRunId is null) await recorder.CreateAsync(start.RunId, config, ct);
            await recorder.MarkStartedAsync(start.RunId, start.Trainer, ct);
        }

        // One transaction per call; awaited, so every batch handed over before a checkpoint is committed already.
        public Task PublishAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct) => writer.WriteAsync(batches, ct);

        public Task MakeDurableAsync(int step, CancellationToken ct) => Task.CompletedTask;

        public async Task EndedAsync(RunEnd end, CancellationToken ct)
        {
            var outcome = HeadlessRun.Outcome(end);
            if (outcome.Rejected)
            {
                Outcome = outcome;
                return;
            }

            var summary = (outcome.Summary ?? Empty(end.RunId)) with { Status = outcome.Status };
            // The run is over whatever the caller's token says now: record its end unconditionally.
            await recorder.SetSummaryAsync(end.RunId, summary, CancellationToken.None);
            await runs.MarkEndedAsync(end.RunId, outcome.Status, outcome.Error, CancellationToken.None);
            Outcome = outcome with { Summary = summary };
        }
    }
}
