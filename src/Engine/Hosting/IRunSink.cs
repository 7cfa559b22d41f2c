using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// What a host of training runs gives <see cref="RunHost"/>: where a run's start, metrics, durable checkpoints and end
/// go (the dashboard's store and live charts, the CLI's database, the cluster worker's calls to the dashboard).
/// <see cref="StartedAsync"/> and <see cref="EndedAsync"/> are awaited on the training thread, the others on the
/// run's pump, one call at a time and in order.
/// </summary>
public interface IRunSink
{
    /// <summary>The trainer is built; training starts when this completes. Throwing fails the run.</summary>
    Task StartedAsync(RunStart start, CancellationToken ct);

    /// <summary>
    /// Stores or forwards one or more batches, in step order. Awaited before the next call, so a slow sink holds the
    /// trainer back once the run's channel is full. Throwing stops the run: it ends failed in
    /// <see cref="RunFailureSource.Sink"/>, and later batches are dropped.
    /// </summary>
    Task PublishAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct);

    /// <summary>
    /// Completes once every batch published so far is durable. The trainer waits for it before it writes the checkpoint
    /// after <paramref name="step"/> steps, so a resume from that checkpoint leaves no gap in the stored series.
    /// Throwing fails the run.
    /// </summary>
    Task MakeDurableAsync(int step, CancellationToken ct);

    /// <summary>The run ended and every batch was published: records the end. Called once, after the last publish.</summary>
    Task EndedAsync(RunEnd end, CancellationToken ct);
}
