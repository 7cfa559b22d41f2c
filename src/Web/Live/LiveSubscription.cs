using System.Threading.Channels;

namespace QuantScope.Web.Live;

/// <summary>
/// One viewer's feed: a bounded drop-oldest queue, so a slow or gone viewer never blocks a run. Bounded twice: in
/// events, and in points (a 100,000-point ingest batch is one event), so a viewer's backlog costs bounded memory.
/// Dispose to unsubscribe.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly Channel<LiveEvent> _channel;
    private readonly CountingReader _reader;
    private readonly Action<LiveSubscription> _unsubscribe;
    private readonly long _pointBudget;
    private long _dropped;
    private long _points;

    internal LiveSubscription(Guid? runId, int capacity, long pointBudget, Action<LiveSubscription> unsubscribe)
    {
        RunId = runId;
        _unsubscribe = unsubscribe;
        _pointBudget = pointBudget;
        // Not SingleReader: Offer reads too, to drop the oldest events when the point budget is exceeded.
        _channel = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest },
            dropped =>
            {
                Interlocked.Increment(ref _dropped);
                Interlocked.Add(ref _points, -PointsOf(dropped));
            });
        _reader = new CountingReader(this);
    }

    /// <summary>The run this subscription follows; null follows every run.</summary>
    public Guid? RunId { get; }

    /// <summary>Events dropped because this viewer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Points waiting in this viewer's queue.</summary>
    public long QueuedPoints => Interlocked.Read(ref _points);

    /// <summary>Events in arrival order until disposed or cancelled.</summary>
    public IAsyncEnumerable<LiveEvent> ReadAllAsync(CancellationToken ct) => _reader.ReadAllAsync(ct);

    /// <summary>The underlying reader, for batching consumers.</summary>
    public ChannelReader<LiveEvent> Reader => _reader;

    /// <summary>Points an event holds: scalars plus every layer value; 1 for a status event.</summary>
    public static long PointsOf(LiveEvent e) => e is MetricsEvent m
        ? m.Batch.Scalars.Count + m.Batch.LayerPoints.Sum(p => (long)(p.Values?.Length ?? 0))
        : 1;

    // Called under the store's lock: one writer at a time.
    internal void Offer(LiveEvent e)
    {
        var points = PointsOf(e);
        Interlocked.Add(ref _points, points);
        if (!_channel.Writer.TryWrite(e))
        {
            Interlocked.Add(ref _points, -points); // completed: disposed
            return;
        }
        // Over budget: drop the oldest (never the event just offered) until the backlog fits.
        while (Interlocked.Read(ref _points) > _pointBudget && _channel.Reader.Count > 1 && _channel.Reader.TryRead(out var old))
        {
            Interlocked.Add(ref _points, -PointsOf(old));
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }

    /// <summary>The channel's reader, keeping the point count as the viewer reads.</summary>
    private sealed class CountingReader(LiveSubscription owner) : ChannelReader<LiveEvent>
    {
        private ChannelReader<LiveEvent> Inner => owner._channel.Reader;

        public override Task Completion => Inner.Completion;

        public override bool CanCount => true;

        public override int Count => Inner.Count;

        public override bool TryRead(out LiveEvent item)
        {
            if (!Inner.TryRead(out item!)) return false;
            Interlocked.Add(ref owner._points, -PointsOf(item));
            return true;
        }

        public override bool TryPeek(out LiveEvent item) => Inner.TryPeek(out item!);

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
            Inner.WaitToReadAsync(cancellationToken);
    }
}
