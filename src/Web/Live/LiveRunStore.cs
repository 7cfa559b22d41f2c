using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// The view path of live telemetry: fans each event out to the subscribers of its run (and to all-run subscribers).
/// Lossy per viewer by design; the persist path is separate and lossless. It also keeps each run's events that are
/// not yet in the database and replays them to a new subscriber, so a page that subscribes, then reads the store,
/// misses nothing that was still on its way to the database. Once a batch has committed
/// (<see cref="MarkPersisted"/>) the store has it and it is let go: memory follows the persist lag, not the run's length.
/// </summary>
public sealed class LiveRunStore
{
    /// <summary>Events a viewer may fall behind before the oldest are dropped.</summary>
    public const int SubscriberCapacity = 1024;

    /// <summary>Points (scalars plus layer values) a viewer may fall behind before the oldest events are dropped.</summary>
    public const int SubscriberPointBudget = 500_000;

    /// <summary>Unpersisted events kept per run for replay at the most (a safety cap: the persist queue bounds them first).</summary>
    public const int RecentCapacity = 512;

    /// <summary>Runs whose recent events are kept (least recently started dropped first).</summary>
    public const int RecentRuns = 32;

    // Batches committed before their live event was remembered (a race between the two paths), or not yet at the
    // front of their run's queue. Bounded: past this many the set is cleared (the count cap then trims those events).
    private const int MaxPersistedPending = 8192;

    private readonly Lock _lock = new();
    private readonly List<LiveSubscription> _subscribers = [];
    private readonly Dictionary<Guid, Queue<LiveEvent>> _recent = [];
    private readonly Dictionary<Guid, StatusEvent> _lastStatus = [];
    private readonly LinkedList<Guid> _recentOrder = new();
    private readonly HashSet<MetricBatch> _persisted = new(ReferenceEqualityComparer.Instance);

    /// <summary>Follow one run (replaying its unpersisted events first), or every run when <paramref name="runId"/> is null.</summary>
    public LiveSubscription Subscribe(Guid? runId)
    {
        var subscription = new LiveSubscription(runId, SubscriberCapacity + RecentCapacity, SubscriberPointBudget, Remove);
        lock (_lock)
        {
            if (runId is { } id && _recent.TryGetValue(id, out var recent))
            {
                // The latest status goes first when it was trimmed already: it carries the run's layer list.
                if (_lastStatus.TryGetValue(id, out var status) && !recent.Contains(status)) subscription.Offer(status);
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

    /// <summary>Events kept for replay over all runs (for tests and diagnostics).</summary>
    public int RetainedEvents
    {
        get { lock (_lock) return _recent.Values.Sum(q => q.Count); }
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

    /// <summary>
    /// The batches' SQLite transaction has committed (or they can never be written): a page opened from now on reads
    /// them from the store, so their events leave the replay queue.
    /// </summary>
    public void MarkPersisted(IEnumerable<MetricBatch> batches)
    {
        lock (_lock)
        {
            if (_persisted.Count > MaxPersistedPending) _persisted.Clear();
            var runs = new HashSet<Guid>();
            foreach (var b in batches)
            {
                _persisted.Add(b);
                runs.Add(b.RunId);
            }
            foreach (var run in runs)
            {
                if (_recent.TryGetValue(run, out var queue)) Trim(queue);
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
            if (_recentOrder.Count > RecentRuns) Forget(_recentOrder.First!.Value);
        }
        if (e is StatusEvent s)
        {
            // Keep the layer list once known, even when a later status (the end) does not repeat it.
            _lastStatus[e.RunId] = _lastStatus.TryGetValue(e.RunId, out var last) ? s with { Layers = s.Layers ?? last.Layers } : s;
        }
        queue.Enqueue(e);
        if (queue.Count > RecentCapacity) queue.Dequeue();
        Trim(queue);
    }

    // Persist order equals publish order within a run, so committed batches leave from the front. A status event at
    // the front goes too: the latest one is kept aside and replayed first.
    private void Trim(Queue<LiveEvent> queue)
    {
        while (queue.TryPeek(out var front))
        {
            if (front is MetricsEvent m ? !_persisted.Remove(m.Batch) : front is not StatusEvent) return;
            queue.Dequeue();
        }
    }

    private void Forget(Guid run)
    {
        _recent.Remove(run);
        _lastStatus.Remove(run);
        _recentOrder.Remove(run);
        _persisted.RemoveWhere(b => b.RunId == run);
    }

    private void Remove(LiveSubscription subscription)
    {
        lock (_lock) _subscribers.Remove(subscription);
    }
}
