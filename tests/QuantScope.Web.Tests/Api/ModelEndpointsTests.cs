using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace QuantScope.Web.Tests.Api;

public sealed class ModelEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    /// <summary>The fixtures write model folders under the temp folder: allow it (the defaults are home and the data folder).</summary>
    private readonly HttpClient _client = WithRoots(factory, Path.GetTempPath()).CreateClient();

    private static WebApplicationFactory<Program> WithRoots(QuantScopeWebFactory factory, params string[] roots) =>
        factory.WithWebHostBuilder(b =>
        {
            for (var i = 0; i < roots.Length; i++) b.UseSetting($"Models:AllowedRoots:{i}", roots[i]);
            if (roots.Length == 0) b.UseSetting("Models:AllowedRoots", "");
        });

    [Fact]
    public async Task Inspect_FolderOutsideAllowedRoots_Returns400NamingPath()
    {
        var folder = ModelFolderFixture.Write();
        var root = Directory.CreateTempSubdirectory("qs-root-").FullName;
        var client = WithRoots(factory, root).CreateClient();

        foreach (var path in new[] { folder, Path.Combine(root, "..", Path.GetFileName(folder)), root + "-sibling" })
        {
            var response = await client.PostAsJsonAsync("/api/models/inspect", new { path });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains("outside the allowed model folders", errors.GetProperty("path")[0].GetString());
        }
    }

    [Fact]
    public async Task Inspect_FolderInsideAllowedRoot_Returns200()
    {
        var root = Directory.CreateTempSubdirectory("qs-root-").FullName;
        var folder = ModelFolderFixture.Write();
        var inside = Path.Combine(root, "model");
        Directory.Move(folder, inside);
        var response = await WithRoots(factory, root).CreateClient().PostAsJsonAsync("/api/models/inspect", new { path = inside + "/./" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Inspect_EmptyAllowedRoots_AllowsAnyFolder()
    {
        var response = await WithRoots(factory).CreateClient().PostAsJsonAsync("/api/models/inspect", new { path = ModelFolderFixture.Write() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Inspect_ModelFolder_ReturnsConfigParametersAndEstimates()
    {
        var folder = ModelFolderFixture.Write();
        var response = await _client.PostAsJsonAsync("/api/models/inspect", new { path = folder });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ModelFolderFixture.Config.ParameterCount(), body.GetProperty("parameters").GetInt64());
        Assert.Equal(2, body.GetProperty("model").GetProperty("kvHeads").GetInt32());
        Assert.Equal(["inference", "ptq", "qat"], body.GetProperty("memory").EnumerateArray().Select(m => m.GetProperty("use").GetString()));
        Assert.Equal("BF16", body.GetProperty("weightDTypes")[0].GetString());
    }

    [Theory]
    [InlineData("relative/folder", "not an absolute path")]
    [InlineData("", "is required")]
    public async Task Inspect_BadPath_Returns400NamingTheProblem(string path, string expected)
    {
        var response = await _client.PostAsJsonAsync("/api/models/inspect", new { path });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Inspect_UnsupportedArchitecture_Returns400NamingIt()
    {
        var folder = ModelFolderFixture.Write("{\"architectures\": [\"Qwen2ForCausalLM\"], \"hidden_size\": 32}");
        var response = await _client.PostAsJsonAsync("/api/models/inspect", new { path = folder });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Qwen2ForCausalLM is not supported", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Inspect_FolderWhoseWeightsLinkToTheDatabase_Returns400NamingPath()
    {
        var folder = ModelFolderFixture.Write();
        var weights = Path.Combine(folder, "model.safetensors");
        File.Delete(weights);
        File.CreateSymbolicLink(weights, factory.DatabasePath);

        var response = await _client.PostAsJsonAsync("/api/models/inspect", new { path = folder });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("dashboard's database", errors.GetProperty("path")[0].GetString());
    }
}
