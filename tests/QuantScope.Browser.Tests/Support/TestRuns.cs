using System.Net.Http.Json;
using System.Text.Json;

namespace QuantScope.Browser.Tests.Support;

/// <summary>Starts small engine runs over the REST API and waits for them, as a user's script would.</summary>
public static class TestRuns
{
    /// <summary>A one-layer model that trains in seconds.</summary>
    public static object Config(string name, int steps, double learningRate = 3e-3) => new
    {
        name,
        model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps, batchSize = 2, seqLen = 16, learningRate,
    };

    /// <summary>Creates a run and returns its id.</summary>
    public static async Task<Guid> StartAsync(HttpClient http, object config)
    {
        var created = await http.PostAsJsonAsync("/api/runs", config);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Waits until the run's status is <paramref name="status"/> (lower case) and returns the last status seen.</summary>
    public static Task<string?> WaitForStatusAsync(HttpClient http, Guid id, string status, TimeSpan timeout) =>
        ChartProbe.WaitForAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("status").GetString(),
            s => s == status, timeout);
}
