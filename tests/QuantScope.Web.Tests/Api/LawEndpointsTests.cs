using System.Text;
using QuantScope.Engine.Analysis.Laws;

namespace QuantScope.Web.Tests.Api;

public sealed class LawEndpointsTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly HttpClient _client;

    public LawEndpointsTests(QuantScopeWebFactory factory) => _client = factory.CreateClient();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        var response = await _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task List_BuiltIns_HaveNamesFamiliesAndConstants()
    {
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/laws");
        var byName = list.EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        Assert.Equal(ScalingLaws.Names, byName.Keys);
        var chen = byName["chen2025-w4a4"];
        Assert.Equal("chenQat", chen.GetProperty("family").GetString());
        Assert.Equal("G", chen.GetProperty("thirdInput").GetString());
        Assert.Equal(0.7779, chen.GetProperty("constants").GetProperty("gG").GetDouble());
        var kumar = byName["kumar2024-ptq"];
        Assert.Equal("kumarPtq", kumar.GetProperty("family").GetString());
        Assert.Equal(0.5907, kumar.GetProperty("constants").GetProperty("gPost").GetDouble());
    }

    [Fact]
    public async Task Evaluate_ChenW4A4_ReturnsHandComputedDelta()
    {
        // 0.1582 · (1e11)^0.0745 · 7^0.7779 / (1e9)^0.2186 = 0.1582 · 6.59933 · 4.54362 / 92.7684 = 0.0511338
        var (status, body) = await PostAsync("/api/laws/chen2025-w4a4/evaluate", """{"N": 1e9, "D": 1e11, "G": 128}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0.05113382073, body.GetProperty("delta").GetDouble(), 1e-10);
        Assert.Equal("chen2025-w4a4", body.GetProperty("law").GetString());
    }

    [Fact]
    public async Task Evaluate_Kumar_ReturnsHandComputedDelta()
    {
        // 0.0598 · 375664.36 / 1244.8012 · exp(-4 / 0.5907) = 0.0206786
        var (status, body) = await PostAsync("/api/laws/kumar2024-ptq/evaluate", """{"n": 1e9, "d": 1e11, "p": 4}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0.02067859346, body.GetProperty("delta").GetDouble(), 1e-10);
    }

    [Theory]
    [InlineData("""{"D": 1e11, "G": 128}""", "N", "is required")]
    [InlineData("""{"N": -5, "D": 1e11, "G": 128}""", "N", "positive")]
    [InlineData("""{"N": 1e9, "D": "NaN", "G": 128}""", "D", "positive")]
    [InlineData("""{"N": 1e9, "D": 1e11}""", "G", "required")]
    [InlineData("""{"N": 1e9, "D": 1e11, "G": 1}""", "G", ">= 2")]
    [InlineData("""{"N": 1e9, "D": "lots", "G": 128}""", "D", "not valid")]
    public async Task Evaluate_BadInput_Returns400NamingTheField(string json, string field, string fragment)
    {
        var (status, body) = await PostAsync("/api/laws/chen2025-w4a4/evaluate", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var messages = body.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evaluate_UnknownLaw_Returns404ListingKnownNames()
    {
        var (status, body) = await PostAsync("/api/laws/chen2099/evaluate", """{"N": 1e9, "D": 1e11, "G": 128}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("kumar2024-ptq", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Fit_ExactKumarPoints_RecoversPublishedConstantsAndShowsThem()
    {
        Assert.True(ScalingLaws.TryGet("kumar2024-ptq", out var law));
        var points = new List<object>();
        foreach (var n in new[] { 1e8, 1e9, 1e10 })
        foreach (var d in new[] { 1e10, 1e12 })
        foreach (var p in new[] { 3.0, 4, 6 })
            points.Add(new { N = n, D = d, P = p, delta = law.Evaluate(new LawInput(n, d, P: p)) });

        var (status, body) = await PostAsync("/api/laws/kumar2024-ptq/fit", JsonSerializer.Serialize(new { points }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(18, body.GetProperty("pointCount").GetInt32());
        Assert.Equal(18, body.GetProperty("residuals").GetArrayLength());
        Assert.Equal(1, body.GetProperty("rSquared").GetDouble(), 1e-9);
        var constants = body.GetProperty("constants").EnumerateArray().ToList();
        Assert.Equal(["cT", "gD", "gN", "gPost"], constants.Select(c => c.GetProperty("name").GetString()));
        foreach (var c in constants)
        {
            Assert.Equal(c.GetProperty("published").GetDouble(), c.GetProperty("value").GetDouble(), 1e-6);
            Assert.True(c.GetProperty("lower95").GetDouble() <= c.GetProperty("upper95").GetDouble());
        }

        Assert.Equal(0.0598, body.GetProperty("published").GetProperty("cT").GetDouble());
    }

    [Fact]
    public async Task Fit_ChenNameFitsChenForm_BadPointNamedByIndex()
    {
        var json = """{"points": [{"N":1e9,"D":1e11,"G":128,"delta":0.05}, {"N":2e9,"D":1e11,"G":0,"delta":0.04}]}""";
        var (status, body) = await PostAsync("/api/laws/chen2025-w16a4/fit", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("points[1].G", out _));
    }

    [Theory]
    [InlineData("""{"points": [{"N":1e9,"D":1e11,"G":128,"delta":0.05}]}""", "points", "at least 5")]
    [InlineData("""{"points": [{"N":1e9,"D":1e11,"G":128}]}""", "points[0].delta", "is required")]
    [InlineData("""{}""", "points", "is required")]
    public async Task Fit_BadBody_Returns400(string json, string field, string fragment)
    {
        var (status, body) = await PostAsync("/api/laws/chen2025-w4a4/fit", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(fragment, body.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task Fit_UnknownLaw_Returns404()
    {
        var (status, _) = await PostAsync("/api/laws/nope/fit", """{"points": []}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Theory]
    [InlineData("kumar2024-ptq", 1e-102, 1.0)]
    [InlineData("kumar2024-ptq", 1.0, 1e150)]
    [InlineData("chen2025-w4a4", 1e-300, 1.0)]
    [InlineData("chen2025-w4a4", 1.0, 1e200)]
    public async Task Fit_ExtremeDeltasOrN_400DidNotConvergeOrFiniteFitNever500(string name, double deltaScale, double nScale)
    {
        var points = new List<object>();
        var i = 0;
        foreach (var n in new[] { 1e8, 1e9, 1e10 })
        foreach (var d in new[] { 1e10, 1e12 })
        foreach (var third in new[] { 3.0, 4, 6 })
        {
            var delta = deltaScale * (0.01 + 0.001 * (i++ % 7));
            points.Add(name.StartsWith("kumar", StringComparison.Ordinal)
                ? new { N = n * nScale, D = d, P = (double?)third, G = (double?)null, delta }
                : new { N = n * nScale, D = d, P = (double?)null, G = (double?)(third * 32), delta });
        }
        var json = JsonSerializer.Serialize(new { points }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });

        var (status, body) = await PostAsync($"/api/laws/{name}/fit", json);

        if (status == HttpStatusCode.BadRequest)
        {
            Assert.Contains("did not converge", body.GetProperty("errors").GetProperty("points")[0].GetString());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(body.GetProperty("constants").EnumerateArray(), c => Assert.Equal(JsonValueKind.Number, c.GetProperty("value").ValueKind));
    }
}
