using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>Redis goes away and comes back under two running hosts (its own cluster: the outage must not touch other tests).</summary>
public sealed class RedisLiveBridgeOutageTests : IClassFixture<DashboardCluster>
{
    private const string Layer = "model.layers.0.mlp.down_proj";
    private readonly DashboardCluster _cluster;

    public RedisLiveBridgeOutageTests(DashboardCluster cluster) => _cluster = cluster;

    [RedisFact]
    public async Task Bridge_RedisDownThenBack_HostsKeepIngestingAndReconnectByThemselves()
    {
        var (a, b) = (_cluster.A, _cluster.B);
        var response = await a.Http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "outage", layers = new[] { Layer } });
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var pageOnA = a.Services.GetRequiredService<LiveRunStore>().Subscribe(id);
        using var pageOnB = b.Services.GetRequiredService<LiveRunStore>().Subscribe(id);
        await IngestAsync(a, id, 0);
        Assert.True(await WaitForStepAsync(pageOnB, s => s == 0, TimeSpan.FromSeconds(30)), "host B saw step 0 before the outage");

        _cluster.Redis.Kill();
        try
        {
            // Host A still acknowledges (stored) and shows its own run on its pages.
            for (var s = 1; s <= 5; s++) await IngestAsync(a, id, s);
            Assert.True(await WaitForStepAsync(pageOnA, s => s == 5, TimeSpan.FromSeconds(30)), "host A's pages saw its points during the outage");
        }
        finally
        {
            _cluster.Redis.Restart();
        }

        // Points sent while the bridge reconnects are lost to host B's live view (stored all the same): keep sending.
        var next = 6;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var seen = false;
        while (!seen && DateTime.UtcNow < deadline)
        {
            await IngestAsync(a, id, next++);
            seen = await WaitForStepAsync(pageOnB, s => s >= 6, TimeSpan.FromMilliseconds(500));
        }
        Assert.True(seen, "host B's pages got host A's points again after Redis came back");

        var series = await b.Http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=loss", JsonDefaults.Options);
        Assert.Equal(Enumerable.Range(0, next), series.EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
    }

    private static async Task IngestAsync(DashboardHost host, Guid id, int step)
    {
        var body = new { steps = new[] { step }, names = new[] { MetricCatalog.Loss }, values = new[] { 5f - step / 10f } };
        (await host.Http.PostAsJsonAsync($"/api/runs/{id}/metrics", body)).EnsureSuccessStatusCode();
    }

    /// <summary>True once a loss point whose step satisfies <paramref name="match"/> arrives within <paramref name="wait"/>.</summary>
    private static async Task<bool> WaitForStepAsync(LiveSubscription page, Func<int, bool> match, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            await foreach (var e in page.ReadAllAsync(cts.Token))
            {
                if (e is MetricsEvent m && m.Batch.Scalars.Any(p => match(p.Step))) return true;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return false;
    }
}
