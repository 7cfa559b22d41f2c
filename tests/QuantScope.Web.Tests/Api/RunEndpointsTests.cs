using System.Text;

namespace QuantScope.Web.Tests.Api;

public sealed class RunEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private const string DownProj = "model.layers.0.mlp.down_proj";
    private readonly QuantScopeWebFactory _factory;
    private readonly HttpClient _client;

    public RunEndpointsTests(QuantScopeWebFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    [Fact]
    public async Task Create_ExperimentWithTwinAndEvaluation_StoresSummaryAndEvalSeries()
    {
        const string Body = """
            {"name":"exp","model":"tiny","steps":6,"batchSize":2,"seqLen":16,"baseline":true,"evalEvery":6,
             "bf16WarmupSteps":2,"quant":{"preset":"fp8-delayed","historyLength":4}}
            """;
        var response = await _client.PostAsync("/api/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed");
        Assert.Equal("completed", run.GetProperty("status").GetString());

        var summary = run.GetProperty("summary");
        Assert.Equal(id, summary.GetProperty("runId").GetGuid());
        Assert.Equal(("completed", 6), (summary.GetProperty("status").GetString(), summary.GetProperty("steps").GetInt32()));
        Assert.True(summary.GetProperty("lossApe").GetProperty("meanPct").GetDouble() >= 0);
        Assert.True(summary.GetProperty("baseline").GetProperty("finalLoss").GetDouble() > 0);
        // reasoning's two-fact endings (over 40 bytes) do not fit tiny's 32-byte context, so that task is not scored
        Assert.Equal(["continuation", "facts"], summary.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        // Evaluations before the first step and after the last; the twin's loss on every step.
        var heldOut = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=heldout_loss");
        Assert.Equal([0, 6], heldOut.EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        var twin = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=baseline_loss");
        Assert.Equal(6, twin.GetArrayLength());
        var facts = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=baseline_task.facts.acc");
        Assert.Equal(2, facts.GetArrayLength());
    }

    [Theory]
    [InlineData("""{"model":"tiny","device":"cuda"}""", "'cuda' is not available: this is a CPU-only build")]
    [InlineData("""{"model":"tiny","device":"cuda:3"}""", "'cuda:3' is not available")]
    [InlineData("""{"model":"tiny","device":"tpu"}""", "must be one of: auto, cpu, cuda, cuda:N")]
    [InlineData("""{"model":"tiny","device":0}""", "has the wrong type")]
    public async Task Create_DeviceNotHere_400NamingDevice(string body, string reason)
    {
        var before = (await _client.GetFromJsonAsync<JsonElement>("/api/runs")).GetArrayLength();
        var response = await _client.PostAsync("/api/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var messages = problem.GetProperty("errors").GetProperty("device").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains(messages, m => m!.Contains(reason, StringComparison.Ordinal));
        Assert.Equal(before, (await _client.GetFromJsonAsync<JsonElement>("/api/runs")).GetArrayLength()); // nothing was created
    }

    [Fact]
    public async Task Get_EngineRunOnCpu_SaysWhichDeviceItTrainedOn()
    {
        const string Body = """{"name":"dev","model":"tiny","steps":2,"batchSize":2,"seqLen":16,"device":"cpu"}""";
        var response = await _client.PostAsync("/api/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed");
        Assert.Equal("completed", run.GetProperty("status").GetString());

        var device = run.GetProperty("device");
        Assert.Equal("cpu", device.GetProperty("device").GetString());
        Assert.Equal($"cpu ({Environment.ProcessorCount} cores)", device.GetProperty("name").GetString());
        Assert.True(device.GetProperty("memoryBytes").GetInt64() > 0);
        Assert.Equal("cpu", run.GetProperty("config").GetProperty("device").GetString()); // as given
        var summary = run.GetProperty("summary");
        Assert.Equal("cpu", summary.GetProperty("device").GetProperty("device").GetString());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("peakDeviceMemoryBytes").ValueKind);
    }

    [Fact]
    public async Task Heatmap_LayersBySteps_NullWhereNotMeasured()
    {
        const string Body = """{"name":"hm","model":"tiny","steps":4,"batchSize":2,"seqLen":16,"stats":{"every":2,"errorSplitEvery":0}}""";
        var response = await _client.PostAsync("/api/runs", new StringContent(Body, Encoding.UTF8, "application/json"));
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("completed", (await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed")).GetProperty("status").GetString());

        var overflow = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/heatmap?metric=overflowFraction&role=input");
        Assert.Equal(14, overflow.GetProperty("layers").GetArrayLength());
        Assert.Equal([0, 1, 2, 3], overflow.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        var rows = overflow.GetProperty("values").EnumerateArray().ToArray();
        Assert.Equal(14, rows.Length);
        Assert.All(rows, r => Assert.All(r.EnumerateArray(), v => Assert.InRange(v.GetSingle(), 0f, 1f)));

        // Full stats every 2 steps: SQNR exists at steps 0 and 2 only.
        var sqnr = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/heatmap?metric=sqnrDb&role=weight");
        Assert.Equal([0, 2], sqnr.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        Assert.All(sqnr.GetProperty("values").EnumerateArray(), r => Assert.All(r.EnumerateArray(), v => Assert.True(v.GetSingle() > 10)));

        // The HiF8 tiers are NaN for E4M3 tensors: not stored at all.
        var tiers = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/heatmap?metric=hif8Tier3Bit");
        Assert.Equal(0, tiers.GetProperty("steps").GetArrayLength());

        var bad = await _client.GetAsync($"/api/runs/{id}/heatmap?metric=loss");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync($"/api/runs/{id}/heatmap?metric=mse&role=bias")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/runs/{Guid.NewGuid()}/heatmap?metric=mse")).StatusCode);
    }

    [Fact]
    public async Task Create_TinyConfig_RunsToCompletionWithFullSeries()
    {
        var response = await _client.PostAsJsonAsync("/api/runs", QuantScopeWebFactory.TinyConfig(12));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/runs/{id}", response.Headers.Location?.ToString());

        var run = await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(12, run.GetProperty("config").GetProperty("steps").GetInt32());
        Assert.Equal(7, run.GetProperty("layers").GetArrayLength());
        var plan = run.GetProperty("effectivePlan");
        Assert.Equal("fp8-delayed", plan.GetProperty("name").GetString()); // the default quant preset
        var entries = plan.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(14, entries.Count); // 7 linear layers x (input, weight)
        Assert.All(entries, e => Assert.Equal("e4m3", e.GetProperty("format").GetString()));
        Assert.Contains(entries, e => e.GetProperty("layer").GetString() == DownProj && e.GetProperty("role").GetString() == "input");
        Assert.Equal(11, run.GetProperty("lastStep").GetInt32());
        var created = run.GetProperty("createdAt").GetDateTime();
        var started = run.GetProperty("startedAt").GetDateTime();
        var ended = run.GetProperty("endedAt").GetDateTime();
        Assert.True(created <= started && started <= ended, $"{created:O} {started:O} {ended:O}");
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);

        var loss = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=loss");
        Assert.Equal(Enumerable.Range(0, 12), loss.EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        Assert.All(loss.EnumerateArray(), p => Assert.True(float.IsFinite(p.GetProperty("value").GetSingle())));

        var saturation = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=overflowFraction&layer={DownProj}");
        Assert.Equal(12, saturation.GetArrayLength());
        Assert.All(saturation.EnumerateArray(), p => Assert.InRange(p.GetProperty("value").GetSingle(), 0f, 1f));

        var weightAmax = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric=amax&layer={DownProj}&role=weight");
        Assert.All(weightAmax.EnumerateArray(), p => Assert.True(p.GetProperty("value").GetSingle() > 0));

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/runs");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Create_EmptyBody_StartsDemoWhichCanBeCancelled()
    {
        var response = await _client.PostAsync("/api/runs", new StringContent("", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await _client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}");
        Assert.Equal("demo", run.GetProperty("name").GetString());
        Assert.Equal(300, run.GetProperty("config").GetProperty("steps").GetInt32());

        await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "running");
        Assert.Equal(HttpStatusCode.Accepted, (await _client.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
        var ended = await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "cancelled", "completed", "failed");
        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
    }

    [Theory]
    [InlineData("{not json", "$")]
    [InlineData("""{"steps":"x"}""", "steps")]
    [InlineData("""{"foo":1}""", "foo")]
    [InlineData("""{"model":{"layers":0}}""", "model.layers")]
    [InlineData("""{"model":{"heads":3}}""", "model.heads")]
    [InlineData("""{"seqLen":999}""", "seqLen")]
    [InlineData("""{"quant":{"algorithm":"median"}}""", "quant.algorithm")]
    [InlineData("""{"data":{"kind":"text","path":"no/such/file.txt"}}""", "data.path")]
    [InlineData("""{"model":"huge"}""", "model")]
    [InlineData("""{"learningRate":"NaN"}""", "learningRate")]
    [InlineData("null", "$")]
    [InlineData("""{"quant":{"preset":"fp9"}}""", "quant.preset")]
    public async Task Create_InvalidBody_Returns400NamingTheField(string body, string field)
    {
        var response = await _client.PostAsync("/api/runs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors: {problem.GetProperty("errors")}");
    }

    [Fact]
    public async Task Get_UnknownRun_Returns404()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/runs/{id}/series?metric=loss")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _client.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
    }

    [Theory]
    [InlineData("", "metric")]
    [InlineData("?metric=overflowFraction", "layer")]
    [InlineData("?metric=overflowFraction&layer=model.layers.9.mlp.down_proj", "layer")]
    [InlineData("?metric=amax&layer=" + DownProj + "&role=bias", "role")]
    public async Task Series_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        var id = await _factory.CreateRunAsync(_client, QuantScopeWebFactory.TinyConfig(2));
        await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed");
        var response = await _client.GetAsync($"/api/runs/{id}/series{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }
}
