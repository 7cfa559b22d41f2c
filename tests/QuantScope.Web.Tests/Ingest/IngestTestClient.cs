namespace QuantScope.Web.Tests.Ingest;

/// <summary>Calls of the ingestion API shared by the ingest tests.</summary>
internal static class IngestTestClient
{
    public static async Task<Guid> CreateExternalAsync(HttpClient http, string name = "ext", params string[] layers)
    {
        var response = await http.PostAsJsonAsync("/api/runs", new { kind = "external", name, layers });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static Task<HttpResponseMessage> PostMetricsAsync(HttpClient http, Guid id, object body) =>
        http.PostAsJsonAsync($"/api/runs/{id}/metrics", body);

    public static Task<JsonElement> GetRunAsync(HttpClient http, Guid id) =>
        http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", JsonDefaults.Options);

    /// <summary>Polls a series until it has <paramref name="count"/> points (the persist queue is asynchronous).</summary>
    public static async Task<JsonElement> WaitForSeriesAsync(HttpClient http, Guid id, string query, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var series = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?{query}", JsonDefaults.Options);
            if (series.GetArrayLength() >= count || DateTime.UtcNow > deadline) return series;
            await Task.Delay(50);
        }
    }

    /// <summary>Polls until the heatmap's first step has a value for <paramref name="layerIndex"/>.</summary>
    public static async Task<JsonElement> WaitForHeatmapAsync(HttpClient http, Guid id, string query, int layerIndex)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var heatmap = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/heatmap?{query}", JsonDefaults.Options);
            var values = heatmap.GetProperty("values");
            if ((values.GetArrayLength() > layerIndex && values[layerIndex].GetArrayLength() > 0
                 && values[layerIndex][0].ValueKind == JsonValueKind.Number) || DateTime.UtcNow > deadline)
                return heatmap;
            await Task.Delay(50);
        }
    }
}
