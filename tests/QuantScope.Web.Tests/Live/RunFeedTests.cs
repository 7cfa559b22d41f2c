using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class RunFeedTests : IAsyncLifetime
{
    private TempQuantScopeData _data = default!;

    public async Task InitializeAsync() => _data = await TempQuantScopeData.CreateAsync();

    public async Task DisposeAsync() => await _data.DisposeAsync();

    private static MetricBatch Steps(Guid run, int from, int to) => new(run,
        Enumerable.Range(from, to - from + 1).Select(s => new ScalarPoint(s, MetricCatalog.Loss, 10 - s)).ToList(),
        Enumerable.Range(from, to - from + 1).Select(s => new LayerPoint(s, MetricCatalog.OverflowFraction, TensorRoles.Input, [s / 100f])).ToList());

    private Task<RunFeed?> OpenAsync(Guid id, LiveRunStore live) =>
        RunFeed.OpenAsync(id, live, _data.Runs, _data.Series, CancellationToken.None);

    [Fact]
    public async Task UpdatesAsync_LiveOverlapsHistory_EachStepOnceWithoutGap()
    {
        var live = new LiveRunStore();
        var id = await _data.CreateRunAsync("l0");

        // Steps 0..4 are stored; 3..4 were also published live (still in the recent buffer); 5..7 arrive after.
        await _data.Writer.WriteAsync([Steps(id, 0, 4)], CancellationToken.None);
        live.Publish(new MetricsEvent(Steps(id, 3, 4)));
        using var feed = await OpenAsync(id, live);
        Assert.NotNull(feed);
        live.Publish(new MetricsEvent(Steps(id, 5, 7)));
        live.Publish(new StatusEvent(id, RunStatus.Completed, null, null));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var update = await feed.UpdatesAsync(TimeSpan.FromMilliseconds(20), cts.Token).FirstAsync(cts.Token);

        Assert.Equal(Enumerable.Range(0, 5), feed.HistoryScalars.Select(p => p.Step));
        Assert.Equal(Enumerable.Range(0, 5), feed.HistoryLayerPoints.Select(p => p.Step));
        var all = feed.HistoryScalars.Concat(update.Scalars).Select(p => p.Step);
        Assert.Equal(Enumerable.Range(0, 8), all);
        Assert.Equal([5, 6, 7], update.LayerPoints.Select(p => p.Step));
        Assert.Equal(RunStatus.Completed, update.Status?.Status);
    }

    [Fact]
    public async Task UpdatesAsync_StepResentAcrossUpdates_IsShownOnce()
    {
        var live = new LiveRunStore();
        var id = await _data.CreateRunAsync("l0");
        using var feed = await OpenAsync(id, live);
        Assert.NotNull(feed);
        Assert.Empty(feed.HistoryScalars);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var updates = feed.UpdatesAsync(TimeSpan.FromMilliseconds(10), cts.Token).GetAsyncEnumerator(cts.Token);
        live.Publish(new MetricsEvent(Steps(id, 0, 2)));
        Assert.True(await updates.MoveNextAsync());
        var first = updates.Current.Scalars.Select(p => p.Step).ToList();
        live.Publish(new MetricsEvent(Steps(id, 1, 4)));
        Assert.True(await updates.MoveNextAsync());

        Assert.Equal([0, 1, 2], first);
        Assert.Equal([3, 4], updates.Current.Scalars.Select(p => p.Step));
    }

    [Fact]
    public async Task UpdatesAsync_SeriesNumberStepsIndependently_NoneIsDropped()
    {
        var live = new LiveRunStore();
        var id = await _data.CreateRunAsync("l0");
        using var feed = await OpenAsync(id, live);
        Assert.NotNull(feed);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var updates = feed.UpdatesAsync(TimeSpan.FromMilliseconds(10), cts.Token).GetAsyncEnumerator(cts.Token);
        // Pretraining steps 0..2, an evaluation at main step 0, then main steps 0..1: three series, each from step 0.
        live.Publish(new MetricsEvent(new MetricBatch(id, [.. Enumerable.Range(0, 3).Select(s => new ScalarPoint(s, MetricCatalog.PretrainLoss, 5))], [])));
        live.Publish(new MetricsEvent(new MetricBatch(id, [new ScalarPoint(0, MetricCatalog.HeldOutLoss, 2)], [])));
        live.Publish(new MetricsEvent(Steps(id, 0, 1)));
        var seen = new List<ScalarPoint>();
        while (seen.Count < 6 && await updates.MoveNextAsync()) seen.AddRange(updates.Current.Scalars);

        Assert.Equal([0, 1, 2], seen.Where(p => p.Metric == MetricCatalog.PretrainLoss).Select(p => p.Step));
        Assert.Equal([0], seen.Where(p => p.Metric == MetricCatalog.HeldOutLoss).Select(p => p.Step));
        Assert.Equal([0, 1], seen.Where(p => p.Metric == MetricCatalog.Loss).Select(p => p.Step));
    }

    [Fact]
    public async Task UpdatesAsync_StatusWithLayersThenWithout_KeepsTheLayers()
    {
        var live = new LiveRunStore();
        var id = await _data.CreateRunAsync();
        using var feed = await OpenAsync(id, live);
        Assert.NotNull(feed);
        live.Publish(new StatusEvent(id, RunStatus.Running, null, ["a", "b"]));
        live.Publish(new StatusEvent(id, RunStatus.Completed, null, null));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var update = await feed.UpdatesAsync(TimeSpan.FromMilliseconds(20), cts.Token).FirstAsync(cts.Token);

        Assert.Equal(RunStatus.Completed, update.Status?.Status);
        Assert.Equal(["a", "b"], update.Status?.Layers);
    }

    [Fact]
    public async Task UpdatesAsync_IdleFeed_SendsTheFirstStepWithoutWaitingForTheThrottle()
    {
        var live = new LiveRunStore();
        var id = await _data.CreateRunAsync("l0");
        using var feed = await OpenAsync(id, live);
        Assert.NotNull(feed);

        // An hour's throttle: the update arrives within the 10 s timeout only if an idle feed sends at once.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var updates = feed.UpdatesAsync(TimeSpan.FromHours(1), cts.Token).GetAsyncEnumerator(cts.Token);
        live.Publish(new MetricsEvent(Steps(id, 0, 0)));
        Assert.True(await updates.MoveNextAsync());

        Assert.Equal([0], updates.Current.Scalars.Select(p => p.Step));
    }

    [Fact]
    public async Task UpdatesAsync_StepsWithinTheThrottleOfTheLastUpdate_AreCoalescedIntoOne()
    {
        var live = new LiveRunStore();
        var id = await _data.CreateRunAsync("l0");
        using var feed = await OpenAsync(id, live);
        Assert.NotNull(feed);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var updates = feed.UpdatesAsync(TimeSpan.FromSeconds(2), cts.Token).GetAsyncEnumerator(cts.Token);
        live.Publish(new MetricsEvent(Steps(id, 0, 0)));
        Assert.True(await updates.MoveNextAsync());
        // Both published right after the first update: the feed waits out the interval and sends them together.
        live.Publish(new MetricsEvent(Steps(id, 1, 1)));
        live.Publish(new MetricsEvent(Steps(id, 2, 2)));
        Assert.True(await updates.MoveNextAsync());

        Assert.Equal([1, 2], updates.Current.Scalars.Select(p => p.Step));
        Assert.Equal([1, 2], updates.Current.LayerPoints.Select(p => p.Step));
    }

    [Fact]
    public async Task OpenAsync_UnknownRun_IsNullAndLeavesNoSubscription()
    {
        var live = new LiveRunStore();
        var feed = await OpenAsync(Guid.NewGuid(), live);
        Assert.Null(feed);
        Assert.Equal(0, live.SubscriberCount);
    }

    [Fact]
    public async Task Dispose_OpenFeed_Unsubscribes()
    {
        var live = new LiveRunStore();
        var feed = await OpenAsync(await _data.CreateRunAsync(), live);
        Assert.Equal(1, live.SubscriberCount);
        feed!.Dispose();
        Assert.Equal(0, live.SubscriberCount);
    }
}
