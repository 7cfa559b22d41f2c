using QuantScope.Web.Cluster.Redis;
using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>Runs of live hosts stay running; a run no host claims is marked interrupted (its own cluster: it adds a host).</summary>
public sealed class RunLeaseKeeperTests : IClassFixture<DashboardCluster>
{
    private readonly DashboardCluster _cluster;

    public RunLeaseKeeperTests(DashboardCluster cluster) => _cluster = cluster;

    [RedisFact]
    public async Task Sweep_HostStartsNextToLiveRunAndOrphan_OnlyTheOrphanIsMarkedInterrupted()
    {
        var (a, b) = (_cluster.A, _cluster.B);
        var response = await a.Http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "alive" });
        response.EnsureSuccessStatusCode();
        var alive = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // A run the store lists as running whose host is gone (as a crashed host leaves it).
        var orphan = new RunEntity
        {
            Name = "orphan", Kind = RunKinds.External, Status = RunStatus.Running, ConfigJson = "{}",
            LayersJson = RunLayers.Serialize([]), StartedAt = DateTime.UtcNow,
        };
        await b.Services.GetRequiredService<RunRepository>().CreateAsync(orphan, CancellationToken.None);
        using var pageOnA = a.Services.GetRequiredService<LiveRunStore>().Subscribe(orphan.Id);

        // A host that starts on the store must not end the other hosts' live runs (a single host would end them all).
        await using (var c = _cluster.AddHost())
        {
            Assert.Equal("running", (await b.Http.GetFromJsonAsync<JsonElement>($"/api/runs/{alive}")).GetProperty("status").GetString());
            var ended = await QuantScopeWebFactory.WaitForStatusAsync(b.Http, orphan.Id, "interrupted");
            Assert.Equal("interrupted", ended.GetProperty("status").GetString());
            Assert.Equal(RunLeaseKeeper.InterruptedError, ended.GetProperty("error").GetString());
        }

        // Viewers on every host learn it; the live run survived the same sweeps and still takes points.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await pageOnA.ReadAllAsync(cts.Token).OfType<StatusEvent>().FirstAsync(cts.Token);
        Assert.Equal(RunStatus.Interrupted, status.Status);
        Assert.Equal("running", (await b.Http.GetFromJsonAsync<JsonElement>($"/api/runs/{alive}")).GetProperty("status").GetString());
        var body = new { steps = new[] { 0 }, names = new[] { MetricCatalog.Loss }, values = new[] { 1f } };
        (await a.Http.PostAsJsonAsync($"/api/runs/{alive}/metrics", body)).EnsureSuccessStatusCode();
    }
}
