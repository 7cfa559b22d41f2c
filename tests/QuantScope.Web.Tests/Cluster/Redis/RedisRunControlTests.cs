namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>Cancel and delete reach a run wherever it trains: a request on host B acts on a run training on host A.</summary>
public sealed class RedisRunControlTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    [RedisFact]
    public async Task TrainOnHostA_DeleteAndCancelThroughHostB_RefusedWhileTrainingThenCancelledThenDeleted()
    {
        var (a, b) = (cluster.A, cluster.B);
        var id = await TrainingOnAsync(a);

        Assert.Equal(HttpStatusCode.Conflict, (await b.Http.DeleteAsync($"/api/runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await b.Http.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);

        var ended = await QuantScopeWebFactory.WaitForStatusAsync(b.Http, id, "cancelled", "completed", "failed", "interrupted");
        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await b.Http.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await b.Http.DeleteAsync($"/api/runs/{id}")).StatusCode);
    }

    [RedisFact]
    public async Task TrainOnHostA_DeleteThroughHostB_RefusedWhileItTrains()
    {
        var (a, b) = (cluster.A, cluster.B);
        var id = await TrainingOnAsync(a);
        try
        {
            // Many times: at no point of the run's first lease beats may another host delete it.
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(HttpStatusCode.Conflict, (await b.Http.DeleteAsync($"/api/runs/{id}")).StatusCode);
                await Task.Delay(200);
            }
            Assert.Equal("running", (await b.Http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("status").GetString());
        }
        finally
        {
            await a.Http.PostAsync($"/api/runs/{id}/cancel", null);
            await QuantScopeWebFactory.WaitForStatusAsync(a.Http, id, "cancelled", "completed", "failed");
        }
    }

    [RedisFact]
    public async Task CancelThroughHostB_UnknownRun_Conflict()
    {
        Assert.Equal(HttpStatusCode.Conflict, (await cluster.B.Http.PostAsync($"/api/runs/{Guid.NewGuid()}/cancel", null)).StatusCode);
    }

    // A long run training on the host, once it is running.
    private static async Task<Guid> TrainingOnAsync(DashboardHost host)
    {
        var created = await host.Http.PostAsJsonAsync("/api/runs", QuantScopeWebFactory.TinyConfig(steps: 100_000));
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await QuantScopeWebFactory.WaitForStatusAsync(host.Http, id, "running");
        return id;
    }
}
