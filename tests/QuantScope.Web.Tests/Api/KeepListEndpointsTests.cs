namespace QuantScope.Web.Tests.Api;

public sealed class KeepListEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task KeepList_RealTinyRun_SmallestPrefixUnderTheTargetAndOneClickRunKeepsThoseLayers()
    {
        var config = new
        {
            name = "keep", model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
            steps = 6, batchSize = 2, seqLen = 16, stats = new { errorSplitEvery = 1 },
        };
        var id = await factory.CreateRunAsync(_client, config);
        Assert.Equal("completed", (await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed")).GetProperty("status").GetString());

        var body = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/keep-list?target=0.5", JsonDefaults.Options);
        var layers = body.GetProperty("layers").EnumerateArray()
            .Select(l => (Layer: l.GetProperty("layer").GetString()!, Value: l.GetProperty("contribution").GetDouble(), Kept: l.GetProperty("kept").GetBoolean(), Source: l.GetProperty("source").GetString()))
            .ToArray();
        Assert.Equal(7, layers.Length); // q, k, v, o, gate, up, down of the one block
        Assert.All(layers, l => Assert.Equal("errorBoth", l.Source));
        Assert.Equal(layers.Select(l => l.Value).OrderDescending(), layers.Select(l => l.Value));
        var keep = body.GetProperty("keep").EnumerateArray().Select(k => k.GetString()!).ToArray();
        var total = layers.Sum(l => l.Value);
        Assert.Equal(total, body.GetProperty("totalError").GetDouble(), 9);
        Assert.Equal(0.5 * total, body.GetProperty("target").GetDouble(), 9);
        // The smallest set: the largest contributions first, stopping as soon as the rest is under the target.
        var n = Enumerable.Range(0, layers.Length + 1).First(k => layers.Skip(k).Sum(l => l.Value) <= 0.5 * total);
        Assert.Equal(layers.Take(n).Select(l => l.Layer), keep);
        Assert.Equal(layers.Skip(n).Sum(l => l.Value), body.GetProperty("predictedError").GetDouble(), 9);
        var rules = body.GetProperty("plan").GetProperty("rules").EnumerateArray().ToArray();
        Assert.Equal(keep.SelectMany(k => new[] { (k, "input", "keep"), (k, "weight", "keep") }),
            rules.Take(2 * n).Select(r => (r.GetProperty("layer").GetString()!, r.GetProperty("role").GetString()!, r.GetProperty("recipe").GetString()!)));

        var started = await _client.PostAsync($"/api/runs/{id}/keep-list/run?target=0.5", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var next = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await QuantScopeWebFactory.WaitForStatusAsync(_client, next, "completed", "failed");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.StartsWith("keep · keep ", run.GetProperty("name").GetString());
        var entries = run.GetProperty("effectivePlan").GetProperty("entries").EnumerateArray()
            .Select(e => (Layer: e.GetProperty("layer").GetString()!, Role: e.GetProperty("role").GetString()!, Format: e.GetProperty("format").GetString()!)).ToArray();
        foreach (var layer in layers.Select(l => l.Layer))
            foreach (var role in new[] { "input", "weight" })
                Assert.Equal(keep.Contains(layer) ? "fp32" : "e4m3", entries.Single(e => e.Layer == layer && e.Role == role).Format);
    }

    [Theory]
    [InlineData("1", "target")]
    [InlineData("half", "target")]
    public async Task KeepList_BadTarget_400NamingTarget(string target, string field)
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Engine, "delayed(h=16,max,margin=0)");
        var response = await _client.GetAsync($"/api/runs/{id}/keep-list?target={target}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task KeepList_ImportedRun_400NamingRun()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, "delayed(h=16,max,margin=0)");
        var response = await _client.PostAsync($"/api/runs/{id}/keep-list/run", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("only engine runs", problem.GetProperty("errors").GetProperty("run")[0].GetString());
    }

    [Fact]
    public async Task KeepList_UnknownRun_404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/runs/{Guid.NewGuid()}/keep-list")).StatusCode);
}
