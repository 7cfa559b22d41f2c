using System.Text;

namespace QuantScope.Web.Tests.Api;

public sealed class RunEditEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private async Task<Guid> StoredRunAsync()
    {
        var id = Guid.NewGuid();
        await factory.Services.GetRequiredService<RunRepository>().CreateAsync(new RunEntity
        {
            Id = id, Name = "before", Kind = RunKinds.Engine, Status = RunStatus.Completed, ConfigJson = "{}", LayersJson = "[\"a\"]", CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        await factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [new MetricBatch(id, [new ScalarPoint(0, MetricCatalog.Loss, 2f)], [new LayerPoint(0, MetricCatalog.Amax, TensorRoles.Input, [1f])])], CancellationToken.None);
        return id;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Patch_RenamesTagsAndNotes_KeepsWhatIsAbsent()
    {
        var client = factory.CreateClient();
        var id = await StoredRunAsync();
        var response = await client.PatchAsync($"/api/runs/{id}", Json("""{"name":"after","tags":["hif8"," ablation "]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        response = await client.PatchAsync($"/api/runs/{id}", Json("""{"notes":"lr too high?"}"""));
        var run = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("after", run.GetProperty("name").GetString());
        Assert.Equal(["hif8", "ablation"], run.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("lr too high?", run.GetProperty("notes").GetString());

        var bad = await client.PatchAsync($"/api/runs/{id}", Json("""{"name":"","tags":["ok",""]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _) && errors.TryGetProperty("tags[1]", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsync($"/api/runs/{Guid.NewGuid()}", Json("""{"notes":"x"}"""))).StatusCode);
    }

    [Fact]
    public async Task Delete_RemovesTheRunAndItsSeries()
    {
        var client = factory.CreateClient();
        var id = await StoredRunAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/runs/{id}")).StatusCode);
        Assert.Empty(await factory.Services.GetRequiredService<MetricSeriesRepository>().ReadScalarPointsAsync(id, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/runs/{id}")).StatusCode);
    }
}
