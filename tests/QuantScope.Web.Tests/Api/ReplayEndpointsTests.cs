namespace QuantScope.Web.Tests.Api;

public sealed class ReplayEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private static async Task<JsonElement> PostAsync(HttpClient client, Guid id, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync($"/api/runs/{id}/replay", body);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(JsonDefaults.Options);
    }

    [Fact]
    public async Task Replay_ImportedRunWithoutPlan_SweepsEveryLayerOwnUnknown()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, null);
        var body = await PostAsync(factory.CreateClient(), id, new { historyLengths = new[] { 1, 16 }, algorithms = new[] { "max", "most_recent" } });
        Assert.Equal("input", body.GetProperty("role").GetString());
        var layers = body.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal(3, layers.Length);
        Assert.All(layers, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("own").ValueKind));
        var spiky = layers[1].GetProperty("sweep").EnumerateArray().Select(c => (c.GetProperty("algorithm").GetString(), c.GetProperty("historyLength").GetInt32(), c.GetProperty("events").GetInt32())).ToArray();
        // Spikes every 6 steps: H=1 and most_recent catch all 10, max over 16 only the first.
        Assert.Equal([("max", 1, 10), ("max", 16, 1), ("most_recent", 1, 10), ("most_recent", 16, 10)], spiky);
        Assert.Equal("model.layers.0.mlp.down_proj", body.GetProperty("worstLayer").GetString());
    }

    [Fact]
    public async Task Replay_OwnSettingsInPlan_ReproducesRecordedEvents()
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, "delayed(h=1,max,margin=0)");
        var body = await PostAsync(factory.CreateClient(), id, new { layer = "model.layers.0.mlp.down_proj" });
        var layer = Assert.Single(body.GetProperty("layers").EnumerateArray());
        var own = layer.GetProperty("own");
        Assert.Equal("max/H=1", own.GetProperty("settings").GetString());
        Assert.Equal((10, 10, 0, 60), (own.GetProperty("events").GetInt32(), own.GetProperty("recordedEvents").GetInt32(), own.GetProperty("mismatches").GetInt32(), own.GetProperty("measured").GetInt32()));
        Assert.Equal(10, layer.GetProperty("sweep").GetArrayLength()); // default grid: 5 H x 2 algorithms
    }

    [Fact]
    public async Task Replay_RealTinyRunWithShortWindow_OwnSettingsReproduceEveryLayer()
    {
        var client = factory.CreateClient();
        var config = JsonSerializer.SerializeToElement(QuantScopeWebFactory.TinyConfig(12));
        var withQuant = JsonSerializer.Deserialize<Dictionary<string, object>>(config.GetRawText())!;
        withQuant["quant"] = new { preset = "fp8-delayed", historyLength = 2, algorithm = "most_recent" };
        var id = await factory.CreateRunAsync(client, withQuant);
        await QuantScopeWebFactory.WaitForStatusAsync(client, id, "completed", "failed");
        foreach (var role in new[] { "input", "weight" })
        {
            var body = await PostAsync(client, id, new { role });
            Assert.All(body.GetProperty("layers").EnumerateArray(), l =>
            {
                Assert.Equal("most_recent/H=2", l.GetProperty("own").GetProperty("settings").GetString());
                Assert.Equal(0, l.GetProperty("own").GetProperty("mismatches").GetInt32());
            });
        }
    }

    [Theory]
    [InlineData("{\"historyLengths\":[0]}", "historyLengths")]
    [InlineData("{\"historyLengths\":[]}", "historyLengths")]
    [InlineData("{\"algorithms\":[\"median\"]}", "algorithms")]
    [InlineData("{\"role\":\"bias\"}", "role")]
    [InlineData("{\"layer\":\"lm_head\"}", "layer")]
    [InlineData("{\"updatePeriod\":0}", "updatePeriod")]
    [InlineData("{\"margin\":\"x\"}", "margin")]
    public async Task Replay_BadField_400NamingIt(string json, string field)
    {
        var id = await AnalysisSeed.RunAsync(factory, RunKinds.Imported, null, steps: 4);
        var response = await factory.CreateClient().PostAsync($"/api/runs/{id}/replay", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Replay_UnknownRun_404() =>
        await PostAsync(factory.CreateClient(), Guid.NewGuid(), new { }, HttpStatusCode.NotFound);
}
