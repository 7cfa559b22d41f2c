using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class LiveRunStoreTests
{
    private static MetricsEvent Batch(Guid run, int step) =>
        new(new MetricBatch(run, [new ScalarPoint(step, MetricCatalog.Loss, step)], []));

    private static List<int> Drain(LiveSubscription s)
    {
        var steps = new List<int>();
        while (s.Reader.TryRead(out var e)) steps.Add(((MetricsEvent)e).Batch.Scalars[0].Step);
        return steps;
    }

    [Fact]
    public void Publish_RunSubscription_GetsOnlyThatRun()
    {
        var store = new LiveRunStore();
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        using var onlyA = store.Subscribe(a);
        using var all = store.Subscribe(null);
        store.Publish(Batch(a, 1));
        store.Publish(Batch(b, 2));
        Assert.Equal([1], Drain(onlyA));
        Assert.Equal([1, 2], Drain(all));
    }

    [Fact]
    public void Subscribe_AfterEvents_ReplaysRecentOnesOfThatRun()
    {
        var store = new LiveRunStore();
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        store.Publish(Batch(a, 0));
        store.Publish(Batch(b, 5));
        store.Publish(Batch(a, 1));
        using var late = store.Subscribe(a);
        store.Publish(Batch(a, 2));
        Assert.Equal([0, 1, 2], Drain(late));
    }

    [Fact]
    public void Publish_SubscriberFallsBehind_DropsOldestAndKeepsNewest()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        using var slow = store.Subscribe(run);
        var capacity = LiveRunStore.SubscriberCapacity + LiveRunStore.RecentCapacity;
        for (var i = 0; i < capacity + 10; i++) store.Publish(Batch(run, i));
        Assert.Equal(10, slow.Dropped);
        var steps = Drain(slow);
        Assert.Equal(capacity, steps.Count);
        Assert.Equal(10, steps[0]);
        Assert.Equal(capacity + 9, steps[^1]);
    }

    [Fact]
    public void Dispose_Subscription_Unsubscribes()
    {
        var store = new LiveRunStore();
        var s = store.Subscribe(null);
        Assert.Equal(1, store.SubscriberCount);
        s.Dispose();
        Assert.Equal(0, store.SubscriberCount);
        store.Publish(Batch(Guid.NewGuid(), 1));
        Assert.False(s.Reader.TryRead(out _));
    }

    [Fact]
    public void Publish_ManyRuns_KeepsRecentEventsOfTheLatestRunsOnly()
    {
        var store = new LiveRunStore();
        var first = Guid.NewGuid();
        store.Publish(Batch(first, 0));
        for (var i = 0; i < LiveRunStore.RecentRuns; i++) store.Publish(Batch(Guid.NewGuid(), i));
        using var late = store.Subscribe(first);
        Assert.Empty(Drain(late));
    }

    [Fact]
    public void MarkPersisted_CommittedBatches_LeaveTheReplayQueue()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        var events = Enumerable.Range(0, 5).Select(i => Batch(run, i)).ToList();
        foreach (var e in events) store.Publish(e);

        store.MarkPersisted(events.Take(3).Select(e => e.Batch));

        using var late = store.Subscribe(run);
        Assert.Equal([3, 4], Drain(late)); // the store has 0-2: a page reads them from there
        Assert.Equal(2, store.RetainedEvents);
    }

    [Fact]
    public void MarkPersisted_BeforeTheLiveEventArrives_StillLetsItGo()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        var e = Batch(run, 7);

        store.MarkPersisted([e.Batch]); // the commit raced ahead of the live publish
        store.Publish(e);

        Assert.Equal(0, store.RetainedEvents);
    }

    [Fact]
    public void MarkPersisted_OutOfQueueOrder_KeepsEverythingBehindTheFirstUnpersisted()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        var events = Enumerable.Range(0, 3).Select(i => Batch(run, i)).ToList();
        foreach (var e in events) store.Publish(e);

        store.MarkPersisted([events[1].Batch]);
        Assert.Equal(3, store.RetainedEvents);
        store.MarkPersisted([events[0].Batch]);

        Assert.Equal(1, store.RetainedEvents);
        using var late = store.Subscribe(run);
        Assert.Equal([2], Drain(late));
    }

    [Fact]
    public void Subscribe_StatusTrimmedWithItsBatches_ReplaysTheLatestStatusWithItsLayers()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        store.Publish(new StatusEvent(run, RunStatus.Running, null, ["model.layers.0.mlp.down_proj"]));
        var e = Batch(run, 0);
        store.Publish(e);
        store.Publish(new StatusEvent(run, RunStatus.Completed, null, null));
        store.MarkPersisted([e.Batch]);

        using var late = store.Subscribe(run);

        Assert.True(late.Reader.TryRead(out var first));
        var status = Assert.IsType<StatusEvent>(first);
        Assert.Equal(RunStatus.Completed, status.Status);
        Assert.Equal(["model.layers.0.mlp.down_proj"], status.Layers);
        Assert.False(late.Reader.TryRead(out _));
        Assert.Equal(0, store.RetainedEvents);
    }

    [Fact]
    public void Publish_LongRunAllPersisted_RetainsNothing()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        for (var i = 0; i < 10 * LiveRunStore.RecentCapacity; i++)
        {
            var e = Batch(run, i);
            store.Publish(e);
            store.MarkPersisted([e.Batch]);
        }

        Assert.Equal(0, store.RetainedEvents);
    }

    [Fact]
    public void Publish_ViewerBehindByMorePointsThanTheBudget_DropsOldestEventsAndKeepsTheNewest()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        using var slow = store.Subscribe(run);
        const int perBatch = 100_000;
        var batches = LiveRunStore.SubscriberPointBudget / perBatch + 3;
        for (var b = 0; b < batches; b++)
        {
            var points = Enumerable.Range(0, perBatch).Select(i => new ScalarPoint(b * perBatch + i, MetricCatalog.Loss, 1f)).ToList();
            store.Publish(new MetricsEvent(new MetricBatch(run, points, [])));
        }

        Assert.True(slow.QueuedPoints <= LiveRunStore.SubscriberPointBudget, $"{slow.QueuedPoints} points queued");
        Assert.Equal(3, slow.Dropped);
        var steps = Drain(slow);
        Assert.Equal(3 * perBatch, steps[0]); // the oldest three went
        Assert.Equal((batches - 1) * perBatch, steps[^1]);
        Assert.Equal(0, slow.QueuedPoints);
    }

    [Fact]
    public void Publish_OneBatchBiggerThanTheBudget_IsStillDelivered()
    {
        var store = new LiveRunStore();
        var run = Guid.NewGuid();
        using var viewer = store.Subscribe(run);
        var points = Enumerable.Range(0, LiveRunStore.SubscriberPointBudget + 1).Select(i => new ScalarPoint(i, MetricCatalog.Loss, 1f)).ToList();

        store.Publish(new MetricsEvent(new MetricBatch(run, points, [])));

        Assert.Equal([0], Drain(viewer));
        Assert.Equal(0, viewer.Dropped);
    }
}
