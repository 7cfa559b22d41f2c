using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QuantScope.Browser.Tests.Support;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The dashboard in real headless Chromium against the app on 127.0.0.1.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [BrowserFact]
    public async Task StartDemoRun_FromDashboard_LossChartGainsPointsAndHeatmapRenders()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();

            // Server side: when each step's batch entered the live path (ms since epoch).
            var published = new Dictionary<int, long>();
            using var subscription = server.Services.GetRequiredService<LiveRunStore>().Subscribe(null);
            var recorder = RecordPublishTimesAsync(subscription, published);

            await page.GotoAsync(server.BaseUrl + "/");
            await browser.WaitForAsync(page, "#runs-table, p.empty", Patience); // the circuit is up and the list loaded
            await page.ClickAsync("#start-demo");
            await browser.WaitForUrlAsync(page, @"/runs/[0-9a-f-]{36}$", Patience);
            await browser.WaitForAsync(page, "#loss-chart", Patience);

            // Browser side: when the loss chart's point count grew (same clock as the server: same machine).
            await page.EvaluateAsync(@"() => { window.__arrivals = []; let last = 0; setInterval(() => {
                const d = document.getElementById('loss-chart');
                const n = d && d.data && d.data[0] && d.data[0].x ? d.data[0].x.length : 0;
                if (n > last) { window.__arrivals.push([n, Date.now()]); last = n; } }, 10); }");

            var points = await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "loss-chart"), n => n >= 15, Patience);
            Assert.True(points >= 15, $"the loss chart had {points} points");
            var steps = await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= 10, Patience);
            Assert.True(steps >= 10, $"the heatmap had {steps} steps");
            await page.WaitForSelectorAsync("#saturation-heatmap .heatmaplayer image");
            var amaxPoints = await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "amax-chart", 1), n => n >= 10, Patience);
            Assert.True(amaxPoints >= 10, $"the amaxPred trace had {amaxPoints} points");
            Assert.Equal("Running", await page.InnerTextAsync("#run-status"));

            var screenshot = await BrowserSession.ScreenshotAsync(page, "run-page-live");
            output.WriteLine($"screenshot: {screenshot}");
            Assert.True(new FileInfo(screenshot).Length > 10_000);

            ReportLatency(await page.EvaluateAsync<JsonElement>("() => window.__arrivals"), published);
            await page.ClickAsync("#cancel-run");
            await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#run-status"), s => s == "Cancelled", Patience);
            Assert.Equal("Cancelled", await page.InnerTextAsync("#run-status"));
            subscription.Dispose();
            await recorder;
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    [BrowserFact]
    public async Task FinishedRun_AfterServerRestart_ShowsChartsFromDatabase()
    {
        var db = KestrelTestHost.NewDatabasePath();
        const int Steps = 12;
        try
        {
            Guid id;
            await using (var first = new KestrelTestHost(db))
            {
                using var http = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
                var created = await http.PostAsJsonAsync("/api/runs", new
                {
                    name = "restart",
                    model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
                    steps = Steps, batchSize = 2, seqLen = 16,
                });
                created.EnsureSuccessStatusCode();
                id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                var status = await ChartProbe.WaitForAsync(
                    async () => (await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("status").GetString(),
                    s => s == "completed", Patience);
                Assert.Equal("completed", status);
            }

            await using var second = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{second.BaseUrl}/runs/{id}");
            var points = await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "loss-chart"), n => n >= Steps, Patience);
            Assert.Equal(Steps, points);
            Assert.Equal(Steps, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= Steps, Patience));
            Assert.Equal("Completed", await page.InnerTextAsync("#run-status"));
            Assert.Equal(7, await page.Locator("#layer-table tbody tr").CountAsync());
            // The CSP allows no inline style sheet or script: nothing on the page (plotly.js included) tried one.
            Assert.DoesNotContain(browser.ConsoleLog, line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
            // The server stages figures through the page's global and draws them through its own import of plot.js:
            // one module instance, or a staged figure would be drawn twice.
            Assert.True(await page.EvaluateAsync<bool>("async () => (await import('./js/plot.js')).stage === window.quantscopePlot.stage"));
            Assert.Equal(1, await page.Locator("#saturation-heatmap .main-svg .heatmaplayer image").CountAsync());
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "run-page-after-restart"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    [BrowserFact]
    public async Task FinishedRun_HeatmapPickersClickAndPngExport_Work()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var id = await TestRuns.StartAsync(http, TestRuns.Config("export", 12));
            Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, id, "completed", Patience));

            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{server.BaseUrl}/runs/{id}");
            Assert.Equal(12, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= 12, Patience));
            Assert.EndsWith("mlp.down_proj", await page.InnerTextAsync("#layer-name"));
            Assert.True(await page.Locator("#plan-table tbody tr").CountAsync() >= 7);
            Assert.True(await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "flow-chart"), n => n >= 12, Patience) >= 12);

            // Every scalar the run recorded can be drawn: the step time first, then the learning rate.
            Assert.Equal(MetricCatalog.StepMillis, await page.InputValueAsync("#curve-metric"));
            Assert.Equal(12, await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "curve-chart"), n => n >= 12, Patience));
            var curveChoices = await page.Locator("#curve-metric option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)");
            Assert.Contains(MetricCatalog.LearningRate, curveChoices);
            Assert.Contains(MetricCatalog.Tokens, curveChoices);
            Assert.DoesNotContain(curveChoices, c => c.StartsWith(MetricCatalog.OutlierPrefix, StringComparison.Ordinal));
            await page.SelectOptionAsync("#curve-metric", MetricCatalog.LearningRate);
            await ChartProbe.WaitForAsync(() => page.TextContentAsync("#curves .gtitle"), t => t?.Contains("learning rate") == true, Patience); // an SVG text: no innerText
            Assert.Equal(12, await ChartProbe.PointCountAsync(page, "curve-chart"));

            // Another metric: the heatmap is redrawn from the same run, and the export links follow the pick.
            await page.SelectOptionAsync("#heatmap-metric", "sqnrDb");
            await ChartProbe.WaitForAsync(() => page.GetAttributeAsync("#export-heatmap-png", "href"), h => h!.Contains("metric=sqnrDb"), Patience);
            await page.SelectOptionAsync("#heatmap-metric", "overflowFraction");
            await ChartProbe.WaitForAsync(() => page.GetAttributeAsync("#export-heatmap-png", "href"), h => h!.Contains("metric=overflowFraction"), Patience);
            await page.WaitForSelectorAsync("#saturation-heatmap .heatmaplayer image");

            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-heatmap-png"));
            var bytes = await File.ReadAllBytesAsync((await download.PathAsync())!);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
            var height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
            output.WriteLine($"heatmap PNG {width} x {height}, {bytes.Length} bytes");
            Assert.InRange(width, 100, 10_000);
            Assert.InRange(height, 100, 10_000);
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "run-page-finished"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    [BrowserFact]
    public async Task FinishedRun_HeatmapCellClick_OpensThatLayer()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var id = await TestRuns.StartAsync(http, new
            {
                name = "click",
                model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
                steps = 12, batchSize = 2, seqLen = 16, quant = new { historyLength = 4 },
            });
            Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, id, "completed", Patience));

            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{server.BaseUrl}/runs/{id}");
            Assert.Equal(12, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= 12, Patience));
            await page.WaitForSelectorAsync("#saturation-heatmap .heatmaplayer image");
            Assert.EndsWith("mlp.down_proj", await page.InnerTextAsync("#layer-name"));

            // The bottom row (first layer) at step 6, and then the row second from the top, both from the plot's axes.
            foreach (var layerIndex in new[] { 0, 5 })
            {
                var cell = await ChartProbe.HeatmapCellAsync(page, "saturation-heatmap", 6, layerIndex);
                output.WriteLine($"layer {layerIndex}: {cell.Layer} at ({cell.X:F0}, {cell.Y:F0})");
                await page.Mouse.MoveAsync(cell.X, cell.Y);
                await page.Mouse.ClickAsync(cell.X, cell.Y);
                var shown = await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#layer-name"), t => t == cell.Layer, TimeSpan.FromSeconds(15));
                Assert.True(shown == cell.Layer, await DescribeClickAsync(page, browser, shown, cell.Layer));
                Assert.Equal(layerIndex.ToString(), await page.EvalOnSelectorAsync<string>("#amax-layer", "s => s.value"));
            }
            // The amax history window: the last 4 steps (8..11) shaded on the amax chart of the layer now shown.
            var window = await page.EvaluateAsync<double[]>(
                "() => { const s = (document.getElementById('amax-chart').layout.shapes || [])[0]; return s ? [s.x0, s.x1] : []; }");
            Assert.Equal([7.5, 11.5], window);
            Assert.Contains("last 4 steps", await page.InnerTextAsync("#amax-chart"));
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "run-page-heatmap-click"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    private static async Task<string> DescribeClickAsync(IPage page, BrowserSession browser, string shown, string expected) =>
        $"the layer panel shows '{shown}', expected '{expected}'. Clicks seen by plotly: " +
        await page.EvaluateAsync<string>("() => JSON.stringify(window.__clicks || [])") +
        "\nConsole:\n" + string.Join("\n", browser.ConsoleLog);

    [BrowserFact]
    public async Task Dashboard_UnknownRun_SaysNotFound()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{server.BaseUrl}/runs/{Guid.NewGuid()}");
            await page.WaitForSelectorAsync("h1:has-text('Run not found')");
            await page.GotoAsync(server.BaseUrl + "/");
            await page.WaitForSelectorAsync("#start-demo");
            Assert.Contains("No runs yet", await page.InnerTextAsync("main"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    private static async Task RecordPublishTimesAsync(LiveSubscription subscription, Dictionary<int, long> published)
    {
        try
        {
            await foreach (var e in subscription.ReadAllAsync(CancellationToken.None))
            {
                if (e is not MetricsEvent m) continue;
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                lock (published)
                {
                    foreach (var p in m.Batch.Scalars.Where(p => p.Metric == MetricCatalog.Loss)) published.TryAdd(p.Step, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Latency from a step's batch entering the live path to its point appearing in the browser's chart.
    private void ReportLatency(JsonElement arrivals, Dictionary<int, long> published)
    {
        var latencies = new List<long>();
        lock (published)
        {
            foreach (var a in arrivals.EnumerateArray())
            {
                var count = a[0].GetInt32();
                var at = a[1].GetInt64();
                if (published.TryGetValue(count - 1, out var sent)) latencies.Add(at - sent);
            }
        }
        Assert.NotEmpty(latencies);
        latencies.Sort();
        var line = $"step end -> browser point: median {latencies[latencies.Count / 2]} ms, max {latencies[^1]} ms over {latencies.Count} updates";
        output.WriteLine(line);
        File.WriteAllText(Path.Combine(BrowserSession.ArtifactsDirectory, "latency.txt"), line + Environment.NewLine);
    }
}
