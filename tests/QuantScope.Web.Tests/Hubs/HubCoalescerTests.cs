using QuantScope.Web.Hubs;
using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Hubs;

public sealed class HubCoalescerTests
{
    private static MetricsEvent Batch(Guid run, params int[] steps) =>
        new(new MetricBatch(run, steps.Select(s => new ScalarPoint(s, MetricCatalog.Loss, s)).ToList(),
            [new LayerPoint(steps[0], MetricCatalog.OverflowFraction, TensorRoles.Input, [0.1f, 0.2f])]));

    private static int[] Steps(LiveEvent e) => ((MetricsEvent)e).Batch.Scalars.Select(p => p.Step).ToArray();

    [Fact]
    public void Coalesce_ConsecutiveBatchesOfTwoRuns_OneMessagePerRunInOrder()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var merged = HubCoalescer.Coalesce([Batch(a, 0), Batch(b, 10), Batch(a, 1, 2), Batch(b, 11), Batch(a, 3)]);

        Assert.Equal(2, merged.Count);
        Assert.Equal(a, merged[0].RunId);
        Assert.Equal([0, 1, 2, 3], Steps(merged[0]));
        Assert.Equal([0, 1, 3], ((MetricsEvent)merged[0]).Batch.LayerPoints.Select(p => p.Step));
        Assert.Equal([10, 11], Steps(merged[1]));
    }

    [Fact]
    public void Coalesce_StatusBetweenBatches_KeepsTheRunsOrder()
    {
        var run = Guid.NewGuid();
        var status = new StatusEvent(run, RunStatus.Completed, null, null);
        var merged = HubCoalescer.Coalesce([Batch(run, 0), Batch(run, 1), status, Batch(run, 2)]);

        Assert.Equal(3, merged.Count);
        Assert.Equal([0, 1], Steps(merged[0]));
        Assert.Same(status, merged[1]);
        Assert.Equal([2], Steps(merged[2]));
    }

    [Fact]
    public void Coalesce_OverThePointCap_StartsANewMessage()
    {
        var run = Guid.NewGuid();
        // Each batch holds 2 scalars + 2 layer values = 4 points; a cap of 8 takes two.
        var merged = HubCoalescer.Coalesce([Batch(run, 0, 1), Batch(run, 2, 3), Batch(run, 4, 5)], maxPoints: 8);

        Assert.Equal(2, merged.Count);
        Assert.Equal([0, 1, 2, 3], Steps(merged[0]));
        Assert.Equal([4, 5], Steps(merged[1]));
    }

    [Fact]
    public void Coalesce_SingleBatch_IsPassedThroughUnchanged()
    {
        var e = Batch(Guid.NewGuid(), 5);
        Assert.Same(e, Assert.Single(HubCoalescer.Coalesce([e])));
    }
}
