using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class MetricIngressTests
{
    private static MetricBatch Batch(Guid run, int step) => new(run, [new ScalarPoint(step, MetricCatalog.Loss, 1f)], []);

    [Fact]
    public async Task PublishAsync_Batch_GoesToPersistQueueAndLiveViewers()
    {
        var live = new LiveRunStore();
        var ingress = new MetricIngress(live);
        var run = Guid.NewGuid();
        using var viewer = live.Subscribe(run);
        var batch = Batch(run, 3);

        await ingress.PublishAsync(batch, CancellationToken.None);

        Assert.True(ingress.PersistQueue.TryRead(out var persisted));
        Assert.Same(batch, Assert.IsType<PersistBatch>(persisted).Batch);
        Assert.True(viewer.Reader.TryRead(out var shown));
        Assert.Same(batch, Assert.IsType<MetricsEvent>(shown).Batch);
    }

    [Fact]
    public async Task EndRunAsync_AfterBatches_IsQueuedBehindThemAndAnnounced()
    {
        var live = new LiveRunStore();
        var ingress = new MetricIngress(live);
        var run = Guid.NewGuid();
        using var viewer = live.Subscribe(run);

        await ingress.PublishAsync(Batch(run, 0), CancellationToken.None);
        await ingress.PublishAsync(Batch(run, 1), CancellationToken.None);
        await ingress.EndRunAsync(run, RunStatus.Failed, "boom", CancellationToken.None);
        ingress.Complete();

        var queued = await ingress.PersistQueue.ReadAllAsync().ToListAsync();
        Assert.Collection(queued,
            i => Assert.IsType<PersistBatch>(i),
            i => Assert.IsType<PersistBatch>(i),
            i => Assert.Equal(new PersistRunEnd(run, RunStatus.Failed, "boom"), i));
        var events = new List<LiveEvent>();
        while (viewer.Reader.TryRead(out var e)) events.Add(e);
        Assert.Equal(new StatusEvent(run, RunStatus.Failed, "boom", null), events[^1]);
    }

    [Fact]
    public void AnnounceStatus_WithLayers_ReachesViewersButNotThePersistQueue()
    {
        var live = new LiveRunStore();
        var ingress = new MetricIngress(live);
        var run = Guid.NewGuid();
        using var viewer = live.Subscribe(null);

        ingress.AnnounceStatus(run, RunStatus.Running, null, ["model.layers.0.mlp.down_proj"]);

        Assert.False(ingress.PersistQueue.TryRead(out _));
        Assert.True(viewer.Reader.TryRead(out var e));
        var status = Assert.IsType<StatusEvent>(e);
        Assert.Equal(RunStatus.Running, status.Status);
        Assert.Equal(["model.layers.0.mlp.down_proj"], status.Layers);
    }

    [Fact]
    public async Task PublishAsync_AfterComplete_Throws()
    {
        var ingress = new MetricIngress(new LiveRunStore());
        ingress.Complete();
        await Assert.ThrowsAnyAsync<InvalidOperationException>(
            async () => await ingress.PublishAsync(Batch(Guid.NewGuid(), 0), CancellationToken.None));
    }
}
