using System.Threading.Channels;

namespace QuantScope.Web.Live;

/// <summary>
/// One viewer's feed: a bounded drop-oldest queue, so a slow or gone viewer never blocks a run.
/// Dispose to unsubscribe.
/// </summary>
public sealed class LiveSubscription : IDisposable
{
    private readonly Channel<LiveEvent> _channel;
    private readonly Action<LiveSubscription> _unsubscribe;
    private long _dropped;

    internal LiveSubscription(Guid? runId, int capacity, Action<LiveSubscription> unsubscribe)
    {
        RunId = runId;
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The run this subscription follows; null follows every run.</summary>
    public Guid? RunId { get; }

    /// <summary>Events dropped because this viewer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events in arrival order until disposed or cancelled.</summary>
    public IAsyncEnumerable<LiveEvent> ReadAllAsync(CancellationToken ct) => _channel.Reader.ReadAllAsync(ct);

    /// <summary>The underlying reader, for batching consumers.</summary>
    public ChannelReader<LiveEvent> Reader => _channel.Reader;

    internal void Offer(LiveEvent e) => _channel.Writer.TryWrite(e);

    /// <inheritdoc />
    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
