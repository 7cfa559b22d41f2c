namespace QuantScope.Web.Live;

/// <summary>
/// The view path of live telemetry: fans each event out to the subscribers of its run (and to all-run subscribers).
/// Lossy per viewer by design; the persist path is separate and lossless. It also keeps each run's most recent
/// events and replays them to a new subscriber, so a page that subscribes, then reads the store, misses nothing that
/// was still on its way to the database.
/// </summary>
public sealed class LiveRunStore
{
    /// <summary>Events a viewer may fall behind before the oldest are dropped.</summary>
    public const int SubscriberCapacity = 1024;

    /// <summary>Recent events kept per run for replay; must exceed the persist lag in batches.</summary>
    public const int RecentCapacity = 512;

    /// <summary>Runs whose recent events are kept (least recently active dropped first).</summary>
    public const int RecentRuns = 32;

    private readonly Lock _lock = new();
    private readonly List<LiveSubscription> _subscribers = [];
    private readonly Dictionary<Guid, Queue<LiveEvent>> _recent = [];
    private readonly LinkedList<Guid> _recentOrder = new();

    /// <summary>Follow one run (replaying its recent events first), or every run when <paramref name="runId"/> is null.</summary>
    public LiveSubscription Subscribe(Guid? runId)
    {
        var subscription = new LiveSubscription(runId, SubscriberCapacity + RecentCapacity, Remove);
        lock (_lock)
        {
            if (runId is { } id && _recent.TryGetValue(id, out var recent))
            {
                foreach (var e in recent) subscription.Offer(e);
            }
            _subscribers.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Number of open subscriptions (for tests and diagnostics).</summary>
    public int SubscriberCount
    {
        get { lock (_lock) return _subscribers.Count; }
    }

    /// <summary>Offers the event to every interested subscriber without ever waiting.</summary>
    public void Publish(LiveEvent e)
    {
        lock (_lock)
        {
            Remember(e);
            foreach (var s in _subscribers)
            {
                if (s.RunId is null || s.RunId == e.RunId) s.Offer(e);
            }
        }
    }

    private void Remember(LiveEvent e)
    {
        if (!_recent.TryGetValue(e.RunId, out var queue))
        {
            queue = new Queue<LiveEvent>();
            _recent[e.RunId] = queue;
            _recentOrder.AddLast(e.RunId);
            if (_recentOrder.Count > RecentRuns)
            {
                _recent.Remove(_recentOrder.First!.Value);
                _recentOrder.RemoveFirst();
            }
        }
        queue.Enqueue(e);
        if (queue.Count > RecentCapacity) queue.Dequeue();
    }

    private void Remove(LiveSubscription subscription)
    {
        lock (_lock) _subscribers.Remove(subscription);
    }
}
