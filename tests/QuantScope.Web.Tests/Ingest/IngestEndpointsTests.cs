using System.Text;
using static QuantScope.Web.Tests.Ingest.IngestTestClient;

namespace QuantScope.Web.Tests.Ingest;

public sealed class IngestEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private const string Fc2 = "model.layers.0.mlp.fc2";
    private const string Fc1 = "model.layers.0.mlp.fc1";
    private readonly QuantScopeWebFactory _factory;

    public IngestEndpointsTests(QuantScopeWebFactory factory) => _factory = factory;

    [Fact]
    public async Task PostMetrics_TwoBatchesThenFinish_SeriesMergedAndRunCompleted()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "merge", Fc2);
        var run = await GetRunAsync(http, id);
        Assert.Equal("external", run.GetProperty("kind").GetString());
        Assert.Equal("running", run.GetProperty("status").GetString());

        var first = await PostMetricsAsync(http, id, new
        {
            steps = new[] { 0, 0, 1, 1 },
            names = new[] { "loss", "overflowFraction", "loss", "overflowFraction" },
            layers = new[] { null, Fc2, null, Fc2 },
            roles = new[] { null, "input", null, "input" },
            values = new object?[] { 2.5, 0.01, 2.4, null },
        });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // A later batch names a NEW layer at an already written step: merged into that step's row, not replacing it.
        var second = await PostMetricsAsync(http, id, new
        {
            steps = new[] { 0, 1 },
            names = new[] { "overflowFraction", "overflowFraction" },
            layers = new[] { Fc1, Fc1 },
            roles = new[] { "input", "input" },
            values = new object[] { 0.5, "Infinity" },
        });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("layerCount").GetInt32());

        var loss = await WaitForSeriesAsync(http, id, "metric=loss", 2);
        Assert.Equal([2.5f, 2.4f], loss.EnumerateArray().Select(p => p.GetProperty("value").GetSingle()));
        var heatmap = await WaitForHeatmapAsync(http, id, "metric=overflowFraction&role=input", layerIndex: 1);
        Assert.Equal([Fc2, Fc1], heatmap.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal([0, 1], heatmap.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        var values = heatmap.GetProperty("values");
        Assert.Equal(0.01f, values[0][0].GetSingle());
        Assert.Equal(JsonValueKind.Null, values[0][1].ValueKind); // null posted = NaN = not measured
        Assert.Equal(0.5f, values[1][0].GetSingle());

        var finish = await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "completed" });
        Assert.Equal(HttpStatusCode.Accepted, finish.StatusCode);
        var ended = await QuantScopeWebFactory.WaitForStatusAsync(http, id, "completed");
        Assert.Equal("completed", ended.GetProperty("status").GetString());
        Assert.Equal(1, ended.GetProperty("lastStep").GetInt32());

        var late = await PostMetricsAsync(http, id, new { steps = new[] { 2 }, names = new[] { "loss" }, values = new[] { 1.0 } });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsync($"/api/runs/{id}/finish", null)).StatusCode);
    }

    [Theory]
    [InlineData("""{"steps":[0,1],"names":["loss"],"values":[1,2]}""", "names")]
    [InlineData("""{"steps":[0,-1],"names":["loss","loss"],"values":[1,2]}""", "steps[1]")]
    [InlineData("""{"steps":[0,1],"names":["loss","amax"],"layers":[null,"l0"],"roles":[null,"bias"],"values":[1,2]}""", "roles[1]")]
    [InlineData("""{"steps":[0],"names":["loss"],"values":["high"]}""", "values[0]")]
    [InlineData("""{"steps":[0.5],"names":["loss"],"values":[1]}""", "steps[0]")]
    [InlineData("""{"steps":[0],"names":[7],"values":[1]}""", "names[0]")]
    [InlineData("""{"steps":[0],"names":["loss"],"layers":["l0"],"values":[1]}""", "layers[0]")]
    [InlineData("""{"steps":"0","names":["loss"],"values":[1]}""", "steps")]
    [InlineData("""{"names":["loss"],"values":[1]}""", "steps")]
    [InlineData("""{"steps":[0],"names":["loss"],""", "$")]
    public async Task PostMetrics_MalformedBatch_400NamingTheFieldAndNothingWritten(string body, string field)
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "bad");
        // Valid points come FIRST in every bad batch above: none of them may be written.
        var response = await http.PostAsync($"/api/runs/{id}/metrics", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await PostMetricsAsync(http, id, new { steps = new[] { 9 }, names = new[] { "lr" }, values = new[] { 1.0 } });
        await WaitForSeriesAsync(http, id, "metric=lr", 1); // the queue is in order: once this is stored, all before is
        Assert.Equal(0, (await WaitForSeriesAsync(http, id, "metric=loss", 0)).GetArrayLength());
        Assert.Equal(0, (await GetRunAsync(http, id)).GetProperty("layers").GetArrayLength());
    }

    [Fact]
    public async Task PostMetrics_TooManyPoints_400AndNothingWritten()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "big");
        var n = QuantScope.Web.Ingest.MetricColumnsReader.MaxPoints + 1;
        var response = await PostMetricsAsync(http, id, new
        {
            steps = Enumerable.Range(0, n).ToArray(),
            names = Enumerable.Repeat("loss", n).ToArray(),
            values = Enumerable.Repeat(1.0, n).ToArray(),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 100000", await response.Content.ReadAsStringAsync());
        Assert.Equal(-1, (await GetRunAsync(http, id)).GetProperty("lastStep").GetInt32());
    }

    [Fact]
    public async Task PostMetrics_UnknownOrEngineRun_404Or409()
    {
        var http = _factory.CreateClient();
        var body = new { steps = new[] { 0 }, names = new[] { "loss" }, values = new[] { 1.0 } };
        Assert.Equal(HttpStatusCode.NotFound, (await PostMetricsAsync(http, Guid.NewGuid(), body)).StatusCode);

        var engine = await _factory.CreateRunAsync(http, QuantScopeWebFactory.TinyConfig(2));
        var response = await PostMetricsAsync(http, engine, body);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("only external runs", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateExternal_BadLayersOrFinishStatus_400()
    {
        var http = _factory.CreateClient();
        var dup = await http.PostAsJsonAsync("/api/runs", new { kind = "external", layers = new[] { "a", "a" } });
        Assert.Equal(HttpStatusCode.BadRequest, dup.StatusCode);
        Assert.Contains("layers[1]", await dup.Content.ReadAsStringAsync());

        var id = await CreateExternalAsync(http);
        var finish = await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "cancelled" });
        Assert.Equal(HttpStatusCode.BadRequest, finish.StatusCode);
        var failed = await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "failed", error = "nan loss" });
        Assert.Equal(HttpStatusCode.Accepted, failed.StatusCode);
        var run = await QuantScopeWebFactory.WaitForStatusAsync(http, id, "failed");
        Assert.Equal("nan loss", run.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Finish_AfterDelete_404LikeGet()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "deleted", Fc2);
        Assert.Equal(HttpStatusCode.OK, (await PostMetricsAsync(http, id, new { steps = new[] { 1 }, names = new[] { "loss" }, values = new[] { 1.0 } })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/runs/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync($"/api/runs/{id}/finish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostMetricsAsync(http, id, new { steps = new[] { 2 }, names = new[] { "loss" }, values = new[] { 1.0 } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/runs/{id}")).StatusCode);
    }

    [Fact]
    public async Task Finish_BodyOverTheLimitOrBadStatus_413OrFinishTitle()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "finish-limits");

        var big = await http.PostAsync($"/api/runs/{id}/finish", JsonContent.Create(new { status = "failed", error = new string('x', 1_000_000) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Contains("At most 65536 bytes", await big.Content.ReadAsStringAsync());
        var bad = await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "paused" });
        var text = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("finish request is invalid", text);
        Assert.DoesNotContain("metric batch", text);
        Assert.Equal("running", (await GetRunAsync(http, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task PostMetrics_MisspeltLayerColumnOrOutOfRangeValue_400NamingIt()
    {
        var http = _factory.CreateClient();
        var id = await CreateExternalAsync(http, "strict", Fc2);

        var misspelt = await PostMetricsAsync(http, id, new { steps = new[] { 1 }, names = new[] { "amaxCustom" }, layer = new[] { Fc2 }, values = new[] { 1.0 } });
        Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
        Assert.Contains("\"layer\"", await misspelt.Content.ReadAsStringAsync());
        var huge = await http.PostAsync($"/api/runs/{id}/metrics", new StringContent("""{"steps":[1],"names":["loss"],"values":[1e39]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("values[0]", await huge.Content.ReadAsStringAsync());
        var control = await http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "bell\u0007", layers = new[] { "a\nb" } });
        var controlText = await control.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Contains("layers[0]", controlText);
    }
}
