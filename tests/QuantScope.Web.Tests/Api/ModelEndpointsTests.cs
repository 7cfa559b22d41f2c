using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using QuantScope.Web.Tests.Support;

namespace QuantScope.Web.Tests.Api;

public sealed class ModelEndpointsTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

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
}
