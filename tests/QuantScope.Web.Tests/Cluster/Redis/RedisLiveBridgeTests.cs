using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using QuantScope.Web.Hubs;
using QuantScope.Web.Live;
using StackExchange.Redis;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>Two dashboard hosts with the Redis backplane and the live bridge, on loopback.</summary>
public sealed class RedisLiveBridgeTests : IClassFixture<DashboardCluster>
{
    private const string Layer = "model.layers.0.mlp.down_proj";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60); // a shared 2-core machine; returns as soon as done

    private readonly DashboardCluster _cluster;

    public RedisLiveBridgeTests(DashboardCluster cluster) => _cluster = cluster;

    [RedisFact]
    public async Task IngestOnHostA_HubClientsOnBothHosts_GetEveryPointOnceInOrder()
    {
        var id = await CreateExternalRunAsync(_cluster.A);
        await using var onA = await WatchAsync(_cluster.A, id);
        await using var onB = await WatchAsync(_cluster.B, id);
        // The Blazor pages' path on host B: its in-process store, fed by the bridge.
        using var pageOnB = _cluster.B.Services.GetRequiredService<LiveRunStore>().Subscribe(id);

        const int steps = 30;
        for (var s = 0; s < steps; s++) await IngestAsync(_cluster.A, id, s);
        (await _cluster.A.Http.PostAsync($"/api/runs/{id}/finish", null)).EnsureSuccessStatusCode();

        foreach (var watcher in new[] { onA, onB })
        {
            var end = await watcher.Completed.Task.WaitAsync(Patience);
            Assert.Equal(RunStatus.Completed, end.Status);
            Assert.Equal(Enumerable.Range(0, steps), watcher.Batches.SelectMany(b => b.Scalars).Select(p => p.Step));
            Assert.Equal(Enumerable.Range(0, steps), watcher.Batches.SelectMany(b => b.LayerPoints).Select(p => p.Step));
            Assert.All(watcher.Batches.SelectMany(b => b.Scalars), p => Assert.Equal(Loss(p.Step), p.Value));
        }

        var seen = await ReadUntilStatusAsync(pageOnB, RunStatus.Completed);
        var batches = seen.OfType<MetricsEvent>().ToList();
        Assert.All(seen, e => Assert.True(e.Remote, "host B shows host A's events as remote"));
        Assert.Equal(Enumerable.Range(0, steps), batches.SelectMany(m => m.Batch.Scalars).Select(p => p.Step));
        Assert.Equal(Layer, Assert.Single(seen.OfType<StatusEvent>().First().Layers!));

        // Host A persisted the run once; host B reads it from the shared store.
        var series = await _cluster.B.Http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=loss", JsonDefaults.Options);
        Assert.Equal(Enumerable.Range(0, steps), series.EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        // The end is stored behind the points (finish answers 202 before that): poll host B until it shows.
        var run = await QuantScopeWebFactory.WaitForStatusAsync(_cluster.B.Http, id, "completed");
        Assert.Equal("completed", run.GetProperty("status").GetString());
    }

    [RedisFact]
    public async Task RunFeedOnHostB_OpenedMidRun_SeesStoredHistoryThenLivePointsWithoutGapOrDouble()
    {
        var id = await CreateExternalRunAsync(_cluster.A);
        for (var s = 0; s < 10; s++) await IngestAsync(_cluster.A, id, s);

        var b = _cluster.B.Services;
        using var feed = await RunFeed.OpenAsync(id, b.GetRequiredService<LiveRunStore>(), b.GetRequiredService<RunRepository>(),
            b.GetRequiredService<MetricSeriesRepository>(), CancellationToken.None);
        Assert.NotNull(feed);
        for (var s = 10; s < 20; s++) await IngestAsync(_cluster.A, id, s);
        (await _cluster.A.Http.PostAsync($"/api/runs/{id}/finish", null)).EnsureSuccessStatusCode();

        var shown = feed.HistoryScalars.Select(p => p.Step).ToList();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var update in feed.UpdatesAsync(TimeSpan.FromMilliseconds(20), cts.Token))
        {
            shown.AddRange(update.Scalars.Select(p => p.Step));
            if (update.Status?.Status == RunStatus.Completed) break;
        }
        Assert.Equal(Enumerable.Range(0, 20), shown);
        Assert.True(feed.HistoryScalars.Count >= 10, $"history held {feed.HistoryScalars.Count} steps");
    }

    [RedisFact]
    public async Task TrainOnHostA_HubClientAndPageOnHostB_GetItsStepsOnceInOrder()
    {
        // Joined right after the start, so the first steps may pass before the join: what arrives must be ascending,
        // without doubles, up to the last step.
        var id = await CreateTrainingRunAsync(_cluster.A, steps: 12);
        using var pageOnB = _cluster.B.Services.GetRequiredService<LiveRunStore>().Subscribe(id);
        await using var onB = await WatchAsync(_cluster.B, id);

        var end = await onB.Completed.Task.WaitAsync(TimeSpan.FromSeconds(180));
        Assert.Equal(RunStatus.Completed, end.Status);
        var steps = onB.Batches.SelectMany(b => b.Scalars).Where(p => p.Metric == MetricCatalog.Loss).Select(p => p.Step).ToList();
        Assert.Equal(steps.Order().Distinct(), steps);
        Assert.Contains(11, steps);

        var seen = await ReadUntilStatusAsync(pageOnB, RunStatus.Completed);
        var pageSteps = seen.OfType<MetricsEvent>().SelectMany(m => m.Batch.Scalars).Where(p => p.Metric == MetricCatalog.Loss).Select(p => p.Step).ToList();
        Assert.Equal(pageSteps.Order().Distinct(), pageSteps);
        Assert.Equal(Enumerable.Range(0, 12), pageSteps); // the store replays what the page missed before subscribing
    }

    [RedisFact]
    public async Task Bridge_MalformedMessageOnItsChannel_IsIgnoredAndKeepsBridging()
    {
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString))
        {
            var channel = RedisChannel.Literal(_cluster.B.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Web.Cluster.Redis.RedisBackplaneOptions>>().Value.LiveChannel);
            await redis.GetSubscriber().PublishAsync(channel, "not json");
            await redis.GetSubscriber().PublishAsync(channel, "{\"origin\":\"00000000-0000-0000-0000-000000000001\",\"events\":[{}]}");
        }

        var id = await CreateExternalRunAsync(_cluster.A);
        using var pageOnB = _cluster.B.Services.GetRequiredService<LiveRunStore>().Subscribe(id);
        await IngestAsync(_cluster.A, id, 0);
        (await _cluster.A.Http.PostAsync($"/api/runs/{id}/finish", null)).EnsureSuccessStatusCode();

        var seen = await ReadUntilStatusAsync(pageOnB, RunStatus.Completed);
        Assert.Equal([0], seen.OfType<MetricsEvent>().SelectMany(m => m.Batch.Scalars).Select(p => p.Step));
    }

    private static float Loss(int step) => 5f - step / 10f;

    private static async Task<Guid> CreateExternalRunAsync(DashboardHost host)
    {
        var response = await host.Http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "cluster", layers = new[] { Layer } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> CreateTrainingRunAsync(DashboardHost host, int steps)
    {
        var response = await host.Http.PostAsJsonAsync("/api/runs", QuantScopeWebFactory.TinyConfig(steps));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task IngestAsync(DashboardHost host, Guid id, int step)
    {
        var body = new
        {
            steps = new[] { step, step },
            names = new[] { MetricCatalog.Loss, MetricCatalog.Amax },
            layers = new[] { null, Layer },
            roles = new[] { null, TensorRoles.Input },
            values = new[] { Loss(step), step * 0.5f },
        };
        (await host.Http.PostAsJsonAsync($"/api/runs/{id}/metrics", body)).EnsureSuccessStatusCode();
    }

    private static async Task<List<LiveEvent>> ReadUntilStatusAsync(LiveSubscription subscription, RunStatus status)
    {
        var seen = new List<LiveEvent>();
        using var cts = new CancellationTokenSource(Patience);
        await foreach (var e in subscription.ReadAllAsync(cts.Token))
        {
            seen.Add(e);
            if (e is StatusEvent s && s.Status == status) break;
        }
        return seen;
    }

    private static async Task<Watcher> WatchAsync(DashboardHost host, Guid id)
    {
        var watcher = new Watcher(host.CreateHubConnection());
        watcher.Connection.On<MetricBatch>(nameof(IMetricsClient.ReceiveMetrics), watcher.Batches.Enqueue);
        watcher.Connection.On<RunStatusDto>(nameof(IMetricsClient.RunStatusChanged), s =>
        {
            if (s.Status is RunStatus.Completed or RunStatus.Failed) watcher.Completed.TrySetResult(s);
        });
        await watcher.Connection.StartAsync();
        await watcher.Connection.InvokeAsync(nameof(MetricsHub.JoinRun), id);
        return watcher;
    }

    /// <summary>A hub client of one host, following one run.</summary>
    private sealed record Watcher(HubConnection Connection) : IAsyncDisposable
    {
        public ConcurrentQueue<MetricBatch> Batches { get; } = new();

        public TaskCompletionSource<RunStatusDto> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
