using Microsoft.Extensions.Logging.Abstractions;
using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class MetricPersistenceServiceTests : IAsyncLifetime
{
    private TempQuantScopeData _data = default!;

    public async Task InitializeAsync() => _data = await TempQuantScopeData.CreateAsync();

    public async Task DisposeAsync() => await _data.DisposeAsync();

    private static MetricBatch Step(Guid run, int step) => new(run,
        [new ScalarPoint(step, MetricCatalog.Loss, 5f - step / 100f)],
        [new LayerPoint(step, MetricCatalog.OverflowFraction, TensorRoles.Input, [0.5f, float.NaN])]);

    private MetricPersistenceService Create(MetricIngress ingress) =>
        new(ingress, _data.Writer, _data.Runs, NullLogger<MetricPersistenceService>.Instance);

    [Fact]
    public async Task ExecuteAsync_RunEnded_RecordsTheEndOnlyAfterAllItsPoints()
    {
        var ingress = new MetricIngress(new LiveRunStore());
        var service = Create(ingress);
        var run = await _data.CreateRunAsync("l0", "l1");
        await service.StartAsync(CancellationToken.None);
        try
        {
            for (var s = 0; s < 300; s++) await ingress.PublishAsync(Step(run, s), CancellationToken.None);
            await ingress.EndRunAsync(run, RunStatus.Completed, null, CancellationToken.None);

            var stored = await PollAsync(() => _data.Runs.GetAsync(run, CancellationToken.None), r => r?.Status == RunStatus.Completed);
            // The end is applied after the flush of the points queued before it: all are there the moment it shows.
            var loss = await _data.Series.ReadScalarAsync(run, MetricCatalog.Loss, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 300), loss.Select(p => p.Step));
            Assert.Equal(299, stored!.LastStep);
            Assert.NotNull(stored.EndedAt);
            var saturation = await _data.Series.ReadLayerAsync(run, MetricCatalog.OverflowFraction, TensorRoles.Input, 1, CancellationToken.None);
            Assert.Equal(300, saturation.Count);
            Assert.All(saturation, p => Assert.True(float.IsNaN(p.Value)));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ExecuteAsync_BatchesCommitted_LiveStoreKeepsNoneForReplay()
    {
        var live = new LiveRunStore();
        var ingress = new MetricIngress(live);
        var service = Create(ingress);
        var run = await _data.CreateRunAsync("l0", "l1");
        await service.StartAsync(CancellationToken.None);
        try
        {
            for (var s = 0; s < 100; s++) await ingress.PublishAsync(Step(run, s), CancellationToken.None);
            var committed = await ingress.PublishCommittedAsync(Step(run, 100), merge: false, CancellationToken.None);
            await committed.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, live.RetainedEvents); // all in the store: a page opened now reads them there
            var loss = await _data.Series.ReadScalarAsync(run, MetricCatalog.Loss, CancellationToken.None);
            Assert.Equal(101, loss.Count);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task ExecuteAsync_FlushHoldsUnknownRun_OtherRunsKeepTheirPoints()
    {
        var ingress = new MetricIngress(new LiveRunStore());
        var service = Create(ingress);
        var run = await _data.CreateRunAsync("l0", "l1");
        var deleted = Guid.NewGuid();
        // Queued before the start, so all of it lands in one flush together with the unknown run's batch.
        for (var s = 0; s < 20; s++)
        {
            await ingress.PublishAsync(Step(run, s), CancellationToken.None);
            await ingress.PublishAsync(Step(deleted, s), CancellationToken.None);
        }
        await ingress.EndRunAsync(run, RunStatus.Completed, null, CancellationToken.None);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await PollAsync(() => _data.Runs.GetAsync(run, CancellationToken.None), r => r?.Status == RunStatus.Completed);
            var loss = await _data.Series.ReadScalarAsync(run, MetricCatalog.Loss, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 20), loss.Select(p => p.Step));
            Assert.Empty(await _data.Series.ReadScalarAsync(deleted, MetricCatalog.Loss, CancellationToken.None));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task StopAsync_ItemsStillQueued_WritesThemBeforeStopping()
    {
        var ingress = new MetricIngress(new LiveRunStore());
        var service = Create(ingress);
        var run = await _data.CreateRunAsync("l0", "l1");
        // Queued before the service starts, and stopped at once (ExecuteAsync may not have begun): nothing may be lost.
        for (var s = 0; s < 50; s++) await ingress.PublishAsync(Step(run, s), CancellationToken.None);
        await ingress.EndRunAsync(run, RunStatus.Cancelled, null, CancellationToken.None);

        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        var loss = await _data.Series.ReadScalarAsync(run, MetricCatalog.Loss, CancellationToken.None);
        Assert.Equal(50, loss.Count);
        Assert.Equal(RunStatus.Cancelled, (await _data.Runs.GetAsync(run, CancellationToken.None))!.Status);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(20);
        }
    }
}
