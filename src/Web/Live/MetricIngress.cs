using System.Threading.Channels;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// The one door for telemetry from any source (engine runs now, external jobs later): each batch goes to the
/// lossless persist queue (waits when full: back-pressure) and then to live viewers (never waits).
/// </summary>
public sealed class MetricIngress
{
    /// <summary>Batches the persist queue holds before producers wait.</summary>
    public const int PersistCapacity = 512;

    private readonly Channel<PersistItem> _persist = Channel.CreateBounded<PersistItem>(
        new BoundedChannelOptions(PersistCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly LiveRunStore _live;

    /// <summary>Creates the ingress over the live store.</summary>
    public MetricIngress(LiveRunStore live) => _live = live;

    /// <summary>The persist queue, drained by <see cref="MetricPersistenceService"/>.</summary>
    public ChannelReader<PersistItem> PersistQueue => _persist.Reader;

    /// <summary>Queues a batch for storage, then shows it to live viewers.</summary>
    public ValueTask PublishAsync(MetricBatch batch, CancellationToken ct) => PublishAsync(batch, merge: false, ct);

    /// <summary>
    /// As <see cref="PublishAsync(MetricBatch, CancellationToken)"/>; with <paramref name="merge"/> the store merges
    /// layer points into rows of the same step (NaN = this batch did not measure that layer) instead of replacing them.
    /// </summary>
    public async ValueTask PublishAsync(MetricBatch batch, bool merge, CancellationToken ct)
    {
        await _persist.Writer.WriteAsync(new PersistBatch(batch, merge), ct);
        _live.Publish(new MetricsEvent(batch));
    }

    /// <summary>
    /// Queues a batch (merge mode) and shows it to live viewers; the returned task completes when the batch's SQLite
    /// transaction has committed (faults when it can never be written). The queue wait honours <paramref name="ct"/>.
    /// </summary>
    public async ValueTask<Task> PublishCommittedAsync(MetricBatch batch, bool merge, CancellationToken ct)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _persist.Writer.WriteAsync(new PersistBatch(batch, merge) { Committed = committed }, ct);
        _live.Publish(new MetricsEvent(batch));
        return committed.Task;
    }

    /// <summary>Announces a status change to live viewers (layers once known).</summary>
    public void AnnounceStatus(Guid runId, RunStatus status, string? error, IReadOnlyList<string>? layers) =>
        _live.Publish(new StatusEvent(runId, status, error, layers));

    /// <summary>Queues the end of a run behind its points, and tells live viewers.</summary>
    public async ValueTask EndRunAsync(Guid runId, RunStatus status, string? error, CancellationToken ct)
    {
        await _persist.Writer.WriteAsync(new PersistRunEnd(runId, status, error), ct);
        AnnounceStatus(runId, status, error, null);
    }

    /// <summary>
    /// The batches' transaction committed (or they can never be written): the live store stops keeping them for replay.
    /// Called by <see cref="MetricPersistenceService"/>.
    /// </summary>
    public void MarkPersisted(IEnumerable<MetricBatch> batches) => _live.MarkPersisted(batches);

    /// <summary>No more items: the persistence service drains what is queued and stops.</summary>
    public void Complete() => _persist.Writer.TryComplete();
}
