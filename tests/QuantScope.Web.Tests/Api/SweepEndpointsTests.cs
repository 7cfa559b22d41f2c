using System.Text;
using QuantScope.Web.Tests.Sweeps;

namespace QuantScope.Web.Tests.Api;

public sealed class SweepEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;
    private readonly HttpClient _client;

    public SweepEndpointsTests(QuantScopeWebFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        var response = await _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static IEnumerable<string> Messages(JsonElement body, string field) =>
        body.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!);

    [Fact]
    public async Task Create_ValidSweep_Returns201WithRunIdsAndGetListsThem()
    {
        var (status, body) = await PostAsync("/api/sweeps", """
            {"name":"api","base":{"model":{"layers":1,"dModel":32,"heads":2,"ffnDim":64,"contextLength":32},"steps":2,"batchSize":2,"seqLen":16},
             "grid":{"weightDecay":[0,0.1]}}
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        var id = body.GetProperty("sweepId").GetGuid();
        var runs = body.GetProperty("runs").EnumerateArray().Select(r => r.GetGuid()).ToList();
        Assert.Equal(2, runs.Count);

        var sweep = await _client.GetFromJsonAsync<JsonElement>($"/api/sweeps/{id}");
        Assert.Equal("api", sweep.GetProperty("name").GetString());
        Assert.Equal(["weightDecay"], sweep.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        var rows = sweep.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(runs, rows.Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal([0.0, 0.1], rows.Select(r => r.GetProperty("grid").GetProperty("weightDecay").GetDouble()));
        Assert.True(rows[0].GetProperty("metrics").TryGetProperty("parameters", out _));

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/sweeps");
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
        foreach (var run in runs) await QuantScopeWebFactory.WaitForStatusAsync(_client, run, "completed", "failed", "cancelled");
    }

    [Fact]
    public async Task Create_BadGridValue_Returns400NamingGridFieldAndValue()
    {
        var (status, body) = await PostAsync("/api/sweeps", """{"grid":{"weightDecay":[0,-2],"dropout":[0]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Messages(body, "grid.weightDecay"), m => m.StartsWith("value -2: weightDecay", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_UnknownSweep_Returns404()
    {
        var response = await _client.GetAsync($"/api/sweeps/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Fit_TooFewCompletedRuns_Returns400()
    {
        var id = await SweepSeed.StoreAsync(_factory.Services.GetRequiredService<RunRepository>(), count: 2);

        var (status, body) = await PostAsync($"/api/sweeps/{id}/fit?law=chen2025-w4a4", "");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Messages(body, "runs"), m => m.Contains("needs at least 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fit_StoredSweep_ReturnsLawFitShapeWithPublishedConstants()
    {
        var id = await SweepSeed.StoreAsync(_factory.Services.GetRequiredService<RunRepository>());

        var (status, body) = await PostAsync($"/api/sweeps/{id}/fit?law=chen2025-w4a4", "");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("chen2025-w4a4", body.GetProperty("law").GetString());
        Assert.Equal(12, body.GetProperty("pointCount").GetInt32());
        Assert.True(body.GetProperty("rSquared").GetDouble() > 0.95);
        Assert.Equal(0.7779, body.GetProperty("published").GetProperty("gG").GetDouble());
        var gG = body.GetProperty("constants").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "gG");
        Assert.InRange(0.7779, gG.GetProperty("lower95").GetDouble(), gG.GetProperty("upper95").GetDouble());
    }

    [Fact]
    public async Task Fit_UnknownLawOrMissingLaw_Returns404Or400()
    {
        var id = await SweepSeed.StoreAsync(_factory.Services.GetRequiredService<RunRepository>(), count: 1);

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync($"/api/sweeps/{id}/fit?law=nope", "")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync($"/api/sweeps/{id}/fit", "")).Status);
    }

    [Fact]
    public async Task Cancel_FinishedSweep_Returns409()
    {
        var id = await SweepSeed.StoreAsync(_factory.Services.GetRequiredService<RunRepository>(), count: 1);

        var response = await _client.PostAsync($"/api/sweeps/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Post_MoreWorkersThanTheServerTrains_400NamingWorkers()
    {
        var (status, body) = await PostAsync("/api/sweeps", """{"workers": 5, "grid": {"seed": [1, 2]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(Messages(body, "workers"), m => m.Contains("at most 4", StringComparison.Ordinal));
    }
}
