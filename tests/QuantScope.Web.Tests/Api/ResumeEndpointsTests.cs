namespace QuantScope.Web.Tests.Api;

public sealed class ResumeEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;
    private readonly HttpClient _client;

    public ResumeEndpointsTests(QuantScopeWebFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    private static object Config(int steps, int checkpointEvery) => new
    {
        name = "resume",
        model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps,
        batchSize = 2,
        seqLen = 16,
        checkpointEvery,
        baseline = true,
    };

    private async Task<int> LastStepAsync(Guid id) =>
        (await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("lastStep").GetInt32();

    private async Task<JsonElement> CancelAsync(Guid id, int afterStep)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await LastStepAsync(id) < afterStep && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
        return await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "cancelled", "completed", "failed");
    }

    [Fact]
    public async Task Resume_CancelledRunWithCheckpoints_CompletesWithExactlyOnePointPerStep()
    {
        // Short on purpose: each step is another chance for TorchSharp's implicit-Scalar finalizer race (README, known issues).
        const int Steps = 60;
        var id = await _factory.CreateRunAsync(_client, Config(Steps, checkpointEvery: 5));
        Assert.Equal("cancelled", (await CancelAsync(id, afterStep: 12)).GetProperty("status").GetString());

        var response = await _client.PostAsync($"/api/runs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var resumed = await response.Content.ReadFromJsonAsync<JsonElement>();
        var from = resumed.GetProperty("resumedFromStep").GetInt32();
        Assert.True(from >= 10 && from % 5 == 0, $"resumed from {from}");

        var run = await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed", "cancelled");
        Assert.True(run.GetProperty("status").GetString() == "completed", $"{run.GetProperty("status")} at step {run.GetProperty("lastStep")}: {run.GetProperty("error")}");
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);
        Assert.Equal(Steps - 1, run.GetProperty("lastStep").GetInt32());
        Assert.Equal(Steps, run.GetProperty("summary").GetProperty("steps").GetInt32()); // the summary covers both processes' steps
        foreach (var metric in new[] { "loss", "baseline_loss" })
        {
            var points = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric={metric}");
            Assert.Equal(Enumerable.Range(0, Steps), points.EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        }

        var again = await _client.PostAsync($"/api/runs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("completed", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_ActiveRunThenCancelledWithoutCheckpoints_ConflictSayingWhy()
    {
        var id = await _factory.CreateRunAsync(_client, Config(100_000, checkpointEvery: 0));
        await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "running");
        var active = await _client.PostAsync($"/api/runs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, active.StatusCode);
        Assert.Contains("training now", await active.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await CancelAsync(id, afterStep: 0);
        var none = await _client.PostAsync($"/api/runs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        Assert.Contains("checkpointEvery 0", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_ExternalOrUnknownRun_ConflictOrNotFound()
    {
        var external = await _factory.CreateRunAsync(_client, new { kind = "external", name = "ext", layers = new[] { "l0" } });
        var conflict = await _client.PostAsync($"/api/runs/{external}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var body = await conflict.Content.ReadAsStringAsync();
        Assert.True(body.Contains("engine", StringComparison.Ordinal) || body.Contains("running", StringComparison.Ordinal), body);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsync($"/api/runs/{Guid.NewGuid()}/resume", null)).StatusCode);
    }
}
