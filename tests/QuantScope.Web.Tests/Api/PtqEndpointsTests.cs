using QuantScope.Web.Api;

namespace QuantScope.Web.Tests.Api;

public sealed class PtqEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private const string Model = """{"layers":1,"dModel":32,"heads":2,"ffnDim":64,"contextLength":32}""";

    private async Task<Guid> TrainAsync(HttpClient client, int checkpointEvery)
    {
        var body = $$"""{"name":"ptq","model":{{Model}},"steps":6,"batchSize":2,"seqLen":16,"quant":null,"checkpointEvery":{{checkpointEvery}}}""";
        var response = await client.PostAsync("/api/runs", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await QuantScopeWebFactory.WaitForStatusAsync(client, id, "completed", "failed");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        return id;
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(location, JsonDefaults.Options);
            var status = job.GetProperty("status").GetString();
            if (status is "completed" or "failed" or "cancelled" || DateTime.UtcNow > deadline) return job;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Ptq_Int2WithSensitivityAndKeepTwo_ReportAndAPlanARunConfigAccepts()
    {
        var client = factory.CreateClient();
        var id = await TrainAsync(client, checkpointEvery: 3);
        var checkpoints = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/checkpoints");
        Assert.Equal([3, 6], checkpoints.EnumerateArray().Select(c => c.GetProperty("step").GetInt32()));
        Assert.Equal(6L * 2 * 16, checkpoints[1].GetProperty("tokensSeen").GetInt64());

        var response = await client.PostAsJsonAsync($"/api/runs/{id}/ptq",
            new { format = "int2", activations = true, sensitivity = true, keepHighPrecision = 2, checkpoint = "last" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await WaitForJobAsync(client, response.Headers.Location!.ToString());

        Assert.True(job.GetProperty("status").GetString() == "completed", job.ToString());
        var report = job.GetProperty("result");
        Assert.Equal(6, report.GetProperty("checkpoint").GetProperty("step").GetInt32());
        Assert.True(report.GetProperty("lossDelta").GetDouble() > 0);
        Assert.Equal(7, report.GetProperty("sensitivity").GetArrayLength()); // one block: 7 projections, each once
        Assert.Equal([3, 6], report.GetProperty("tokenCurve").EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        Assert.Equal(7, report.GetProperty("outliers").GetArrayLength());

        var plan = report.GetProperty("keepPlan");
        var worst = report.GetProperty("sensitivity").EnumerateArray().Take(2).Select(s => s.GetProperty("layer").GetString()).ToArray();
        var kept = plan.GetProperty("rules").EnumerateArray().Where(r => r.GetProperty("recipe").GetString() == "keep").Select(r => r.GetProperty("layer").GetString()).Distinct();
        Assert.Equal(worst, kept);
        var (config, errors) = ConfigReader.Read($$"""{"model":{{Model}},"seqLen":16,"quant":{{plan.GetRawText()}}}""");
        Assert.Empty(errors);
        Assert.Equal(2 + 2 * 2, config!.Config.Quant!.Rules!.Count); // keep input+weight for two layers, then the int2 input and weight rules
    }

    [Theory]
    [InlineData("""{"preset":"fp8-delayed","format":"int4"}""", "preset")]
    [InlineData("""{"format":"int4","groupSize":7}""", "groupSize")]
    [InlineData("""{"format":"int4","checkpoint":5}""", "checkpoint")]
    [InlineData("""{"format":"int4","checkpoint":"first"}""", "checkpoint")]
    [InlineData("""{"format":"int4","keepHighPrecision":2}""", "keepHighPrecision")]
    [InlineData("""{"format":"int4","activations":"yes"}""", "activations")]
    public async Task Ptq_BadRequest_400NamingTheField(string body, string field)
    {
        var client = factory.CreateClient();
        var id = await TrainAsync(client, checkpointEvery: 6);
        var response = await client.PostAsync($"/api/runs/{id}/ptq", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Ptq_RunWithoutCheckpoints_400NamingCheckpointAndEmptyList()
    {
        var client = factory.CreateClient();
        var id = await TrainAsync(client, checkpointEvery: 0);

        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/checkpoints")).GetArrayLength());
        var response = await client.PostAsJsonAsync($"/api/runs/{id}/ptq", new { preset = "nvfp4" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("checkpointEvery", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ptq_UnknownRunOrJob_404()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/api/runs/{Guid.NewGuid()}/ptq", new { format = "int4" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/runs/{Guid.NewGuid()}/checkpoints")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/ptq/{Guid.NewGuid()}")).StatusCode);
    }
}
