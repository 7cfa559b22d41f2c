using System.Text;

namespace QuantScope.Web.Tests.Security;

/// <summary>Configs sent to the web may name files in the data folder only (the factory's is the temp folder).</summary>
public sealed class ConfigPathEndpointTests : IClassFixture<QuantScopeWebFactory>
{
    private const string Outside = "/etc/hostname"; // exists on Linux, outside the temp folder
    private readonly HttpClient _client;

    public ConfigPathEndpointTests(QuantScopeWebFactory factory) => _client = factory.CreateClient();

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        var response = await _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task CreateRun_DataPathOutsideTheDataFolder_Returns400NamingDataPath()
    {
        var (status, body) = await PostAsync("/api/runs", $$$"""{"data": {"kind": "text", "path": "{{{Outside}}}"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var messages = body.GetProperty("errors").GetProperty("data.path").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains("outside the folders this server may read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateRun_TaskWithDotDot_Returns400NamingTheTask()
    {
        var (status, body) = await PostAsync("/api/runs", """{"tasks": ["../../etc/hostname"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("tasks[0]", out _), body.ToString());
    }

    [Fact]
    public async Task CreateSweep_BaseDataPathOutside_Returns400()
    {
        var (status, body) = await PostAsync("/api/sweeps",
            $$$"""{"base": {"data": {"kind": "text", "path": "{{{Outside}}}"}}, "grid": {"weightDecay": [0, 0.1]}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("data.path", body.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task CreateRun_DataFileInsideTheDataFolder_IsAccepted()
    {
        var file = Path.Combine(Path.GetTempPath(), $"quantscope-corpus-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 200)));
        try
        {
            var config = new
            {
                name = "inside", model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
                steps = 2, batchSize = 2, seqLen = 16, data = new { kind = "text", path = file },
            };
            var response = await _client.PostAsJsonAsync("/api/runs", config);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await QuantScopeWebFactory.WaitForStatusAsync(_client, id, "completed", "failed", "cancelled");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
