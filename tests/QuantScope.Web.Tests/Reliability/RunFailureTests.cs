using System.Diagnostics;

namespace QuantScope.Web.Tests.Reliability;

/// <summary>
/// A run that diverges ends failed with the reason while another run and the API carry on; cancelling a run stops it
/// quickly and keeps every step it wrote. (The engine's own test proves "within one step": TrainerTests.)
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class RunFailureTests : IDisposable
{
    private readonly QuantScopeWebFactory _factory = new();
    private readonly HttpClient _client;

    public RunFailureTests() => _client = _factory.CreateClient();

    private static object Tiny(string name, int steps, double learningRate = 3e-3, double weightDecay = 0.1, double gradClip = 1) => new
    {
        name,
        model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps,
        batchSize = 2,
        seqLen = 16,
        learningRate,
        weightDecay,
        gradClip,
        logEvery = 1,
    };

    [Fact]
    public async Task DivergingRun_EndsFailedWithReason_OtherRunAndApiCarryOn()
    {
        var healthy = await _factory.CreateRunAsync(_client, Tiny("healthy", 100_000));
        await QuantScopeWebFactory.WaitForStatusAsync(_client, healthy, "running");
        // AdamW's decoupled decay with lr 1 and weightDecay 10 multiplies every matrix by -9 each step: inf in ~40 steps.
        var diverging = await _factory.CreateRunAsync(_client, Tiny("diverging", 1000, learningRate: 1, weightDecay: 10, gradClip: 0));

        var failed = await QuantScopeWebFactory.WaitForStatusAsync(_client, diverging, "failed", "completed", "cancelled");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("diverged", failed.GetProperty("error").GetString());
        Assert.True(failed.GetProperty("lastStep").GetInt32() < 1000);

        // The other run still trains, and the API and ingest answer.
        var before = await CrashRecoveryTests.LastStepAsync(_client, healthy);
        await CrashRecoveryTests.WaitUntilAsync(async () => await CrashRecoveryTests.LastStepAsync(_client, healthy) > before + 3, TimeSpan.FromSeconds(60));
        Assert.Equal("running", (await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{healthy}")).GetProperty("status").GetString());
        var external = await CrashRecoveryTests.CreateAsync(_client, new { kind = "external", layers = new[] { "l1" } });
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync($"/api/runs/{external}/metrics", CrashRecoveryTests.Batch(0))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/runs/{healthy}/cancel", null)).StatusCode);
        await QuantScopeWebFactory.WaitForStatusAsync(_client, healthy, "cancelled");
    }

    [Fact]
    public async Task Cancel_RunningRun_StopsQuicklyAndKeepsEveryStepItWrote()
    {
        var id = await _factory.CreateRunAsync(_client, Tiny("cancel-me", 100_000));
        await CrashRecoveryTests.WaitUntilAsync(async () => await CrashRecoveryTests.LastStepAsync(_client, id) >= 5, TimeSpan.FromSeconds(120));

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
        var ended = await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "cancelled", "failed", "completed");
        clock.Stop();

        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"cancel took {clock.Elapsed}");
        var last = ended.GetProperty("lastStep").GetInt32();
        var loss = await CrashRecoveryTests.SeriesAsync(_client, id, "loss", null);
        Assert.Equal(Enumerable.Range(0, last + 1), loss.Keys.Order()); // no gap: everything written before the cancel is kept
        Assert.All(loss.Values, v => Assert.True(float.IsFinite(v)));
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
