using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class LiveRunStoreTests
{
    private static MetricsEvent Batch(Guid run, int step) =>
        new(new MetricBatch(run, [new ScalarPoint(step, MetricNames.Loss, step)], []));

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
}
