using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class RunFeedTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"quantscope-feed-{Guid.NewGuid():N}.db");
    private ServiceProvider _services = default!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection().AddQuantScopeData(_path).BuildServiceProvider();
        await _services.InitializeDatabaseAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
    }

    private static MetricBatch Steps(Guid run, int from, int to) => new(run,
        Enumerable.Range(from, to - from + 1).Select(s => new ScalarPoint(s, MetricNames.Loss, 10 - s)).ToList(),
        Enumerable.Range(from, to - from + 1).Select(s => new LayerPoint(s, MetricNames.Saturation, TensorRoles.Input, [s / 100f])).ToList());

    [Fact]
    public async Task UpdatesAsync_LiveOverlapsHistory_EachStepOnceWithoutGap()
    {
        var runs = _services.GetRequiredService<RunRepository>();
        var live = new LiveRunStore();
        var id = Guid.NewGuid();
        await runs.CreateAsync(new RunEntity { Id = id, Name = "feed", Kind = RunKinds.Engine, ConfigJson = "{}", LayersJson = "[\"l0\"]" }, CancellationToken.None);

        // Steps 0..4 are stored; 3..4 were also published live (still in the recent buffer); 5..7 arrive after.
        await _services.GetRequiredService<MetricSeriesWriter>().WriteAsync([Steps(id, 0, 4)], CancellationToken.None);
        live.Publish(new MetricsEvent(Steps(id, 3, 4)));
        using var feed = await RunFeed.OpenAsync(id, live, runs, _services.GetRequiredService<MetricSeriesRepository>(), CancellationToken.None);
        Assert.NotNull(feed);
        live.Publish(new MetricsEvent(Steps(id, 5, 7)));
        live.Publish(new StatusEvent(id, RunStatus.Completed, null, null));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var update = await feed.UpdatesAsync(TimeSpan.FromMilliseconds(20), cts.Token).FirstAsync(cts.Token);

        var history = feed.HistoryScalars.Select(p => p.Step);
        var all = history.Concat(update.Scalars.Select(p => p.Step)).ToList();
        Assert.Equal(Enumerable.Range(0, 8), all);
        Assert.Equal([5, 6, 7], update.LayerPoints.Select(p => p.Step));
        Assert.Equal(RunStatus.Completed, update.Status?.Status);
    }

    [Fact]
    public async Task OpenAsync_UnknownRun_IsNullAndLeavesNoSubscription()
    {
        var live = new LiveRunStore();
        var feed = await RunFeed.OpenAsync(Guid.NewGuid(), live, _services.GetRequiredService<RunRepository>(),
            _services.GetRequiredService<MetricSeriesRepository>(), CancellationToken.None);
        Assert.Null(feed);
        Assert.Equal(0, live.SubscriberCount);
    }
}
