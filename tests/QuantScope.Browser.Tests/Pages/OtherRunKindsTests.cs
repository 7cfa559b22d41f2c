using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>
/// The run and compare pages in real headless Chromium for the two kinds of run the engine does not train: an external
/// run streamed through the ingest API and a run imported from a JSON Lines log.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OtherRunKindsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private const int Steps = 20;
    private static readonly string[] Layers = ["model.layers.0.mlp.down_proj", "model.layers.0.mlp.up_proj", "model.layers.1.mlp.down_proj"];

    [BrowserFact]
    public async Task ExternalAndImportedRuns_RunPagesShowTheirChartsAndCompare()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var external = await ExternalRunAsync(http);
            var imported = await ImportedRunAsync(http);

            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            foreach (var (id, kind) in new[] { (external, "external"), (imported, "imported") })
            {
                await page.GotoAsync($"{server.BaseUrl}/runs/{id}");
                Assert.Equal(Steps, await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "loss-chart"), n => n >= Steps, Patience));
                Assert.Equal(Steps, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= Steps, Patience));
                Assert.Equal("Completed", await page.InnerTextAsync("#run-status"));
                var header = await page.InnerTextAsync(".run-header");
                Assert.Contains($"{kind} run", header, StringComparison.OrdinalIgnoreCase);
                // No planned step count to show, and no claim about how the run's own job computed FP8.
                Assert.Contains($"step {Steps - 1}", header);
                Assert.DoesNotContain(" of 0", header);
                Assert.DoesNotContain("emulated", header);
                Assert.Equal(Layers.Length, await page.Locator("#layer-table tbody tr").CountAsync());
                // The spike written at step 7 of the last layer is the heatmap's cell there.
                var cell = await page.EvaluateAsync<double>(
                    "([step, row]) => { const t = document.getElementById('saturation-heatmap').data[0]; return t.z[Array.from(t.x).indexOf(step)][row]; }",
                    new object[] { 7, Layers.Length - 1 });
                Assert.Equal(Spike, cell, 6);
                // The layer panel names what this layer did not log (the overflow fraction it did).
                var missing = await page.InnerTextAsync("#layer-not-recorded");
                Assert.Contains("amax and amaxPred", missing);
                Assert.Contains("the error split", missing);
                Assert.DoesNotContain("overflow", missing);
                // No amax logged: the DTS replay says why it cannot run (and says "Replaying…" until it knows).
                await browser.WaitForAsync(page, "#replay-none", Patience);
                Assert.Contains("no amax", await page.InnerTextAsync("#replay-none"));
                output.WriteLine(await BrowserSession.ScreenshotAsync(page, $"run-page-{kind}"));
            }

            // Each chart's own PNG: its modebar shows under the pointer, and the camera button downloads the chart.
            var camera = page.Locator("#loss-chart .modebar-btn[data-title^='Download plot']");
            await page.HoverAsync("#loss-chart .main-svg");
            await camera.WaitForAsync(new() { State = Microsoft.Playwright.WaitForSelectorState.Visible });
            var download = await page.RunAndWaitForDownloadAsync(() => camera.ClickAsync());
            Assert.Equal("loss-chart.png", download.SuggestedFilename);
            var png = await File.ReadAllBytesAsync(await download.PathAsync());
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

            await page.GotoAsync($"{server.BaseUrl}/compare?runs={external},{imported}");
            await browser.WaitForAsync(page, "#compare-summary", Patience);
            Assert.Equal(2, await page.Locator("#compare-summary tbody tr").CountAsync());
            Assert.Equal(Steps, await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "compare-curves", 1), n => n >= Steps, Patience));
            // Both runs hold the same values: their difference is zero in every cell.
            var z = await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapValuesAsync(page, "diff-heatmap"), v => v.Length >= Steps * Layers.Length, Patience);
            Assert.All(z, v => Assert.Equal(0.0, v));
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "compare-external-imported"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    private const float Spike = 0.25f;

    private static float Loss(int step) => 4f - step * 0.1f;

    private static float Overflow(int step, int layer) => step == 7 && layer == Layers.Length - 1 ? Spike : 0.001f * (layer + 1);

    private static async Task<Guid> ExternalRunAsync(HttpClient http)
    {
        var created = await http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "external-run", layers = Layers });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        // One row a point: the loss, then each layer's overflow fraction, at every step; sent as the API's columns.
        var rows = Enumerable.Range(0, Steps).SelectMany(s => Layers
            .Select((layer, l) => (Step: s, Name: "overflowFraction", Layer: (string?)layer, Role: (string?)"input", Value: Overflow(s, l)))
            .Prepend((Step: s, Name: "loss", Layer: null, Role: null, Value: Loss(s)))).ToList();
        var batch = new
        {
            steps = rows.Select(r => r.Step), names = rows.Select(r => r.Name), layers = rows.Select(r => r.Layer),
            roles = rows.Select(r => r.Role), values = rows.Select(r => r.Value),
        };
        (await http.PostAsJsonAsync($"/api/runs/{id}/metrics", batch)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "completed" })).EnsureSuccessStatusCode();
        Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, id, "completed", Patience));
        return id;
    }

    private static async Task<Guid> ImportedRunAsync(HttpClient http)
    {
        var log = new StringBuilder();
        for (var s = 0; s < Steps; s++)
        {
            log.AppendLine(JsonSerializer.Serialize(new { step = s, loss = Loss(s) }));
            for (var l = 0; l < Layers.Length; l++)
                log.AppendLine(JsonSerializer.Serialize(new { step = s, layer = Layers[l], role = "input", overflowFraction = Overflow(s, l) }));
        }
        var imported = await http.PostAsync("/api/import?format=jsonl&name=imported-run", new StringContent(log.ToString(), Encoding.UTF8, "text/plain"));
        Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        return (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetGuid();
    }
}
