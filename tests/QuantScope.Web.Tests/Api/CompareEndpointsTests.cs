namespace QuantScope.Web.Tests.Api;

public sealed class CompareEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private async Task<Guid> RunWithLossAsync(params float[] loss)
    {
        var id = Guid.NewGuid();
        var runs = factory.Services.GetRequiredService<RunRepository>();
        await runs.CreateAsync(new RunEntity { Id = id, Name = "c", Kind = RunKinds.Engine, Status = RunStatus.Completed, ConfigJson = "{}", LayersJson = "[]", CreatedAt = DateTime.UtcNow }, CancellationToken.None);
        await factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [new MetricBatch(id, [.. loss.Select((v, i) => new ScalarPoint(i, MetricCatalog.Loss, v))], [])], CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task Compare_TwoRuns_ApeOverCommonSteps_BadIdsNamed()
    {
        var client = factory.CreateClient();
        var a = await RunWithLossAsync(3f, 1.5f);
        var b = await RunWithLossAsync(2f, 1.5f, 9f);
        var ape = (await client.GetFromJsonAsync<JsonElement>($"/api/compare?run={a}&baseline={b}&metric=loss&last=1")).GetProperty("lossApe");
        Assert.Equal((25.0, 0.0, 2), (ape.GetProperty("meanPct").GetDouble(), ape.GetProperty("lastPct").GetDouble(), ape.GetProperty("steps").GetInt32()));

        var missing = await client.GetAsync($"/api/compare?run={a}");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("baseline", out _));
    }
}
