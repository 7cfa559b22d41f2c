using Microsoft.Playwright;
using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The layer panel follows the heatmap's role, and the heatmap picker offers every metric the run recorded.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LayerPanelRoleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [BrowserFact]
    public async Task FinishedRun_WeightCellClickAndMsePick_PanelShowsWeightAndHeatmapShowsMse()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var id = await TestRuns.StartAsync(http, new
            {
                name = "roles",
                model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
                steps = 12, batchSize = 2, seqLen = 16, quant = new { historyLength = 4 },
            });
            Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, id, "completed", Patience));

            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{server.BaseUrl}/runs/{id}");
            Assert.Equal(12, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= 12, Patience));
            Assert.Equal("input", await page.InnerTextAsync("#layer-role-shown"));

            // The weight role's heatmap, then a click on its cell of the first layer at step 6.
            await page.SelectOptionAsync("#heatmap-role", "weight");
            await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#saturation-heatmap"), t => t.Contains("· weight ·"), Patience);
            Assert.Equal(12, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= 12, Patience));
            await page.WaitForSelectorAsync("#saturation-heatmap .heatmaplayer image");
            var cell = await ChartProbe.HeatmapCellAsync(page, "saturation-heatmap", 6, 0);
            await page.Mouse.MoveAsync(cell.X, cell.Y);
            await page.Mouse.ClickAsync(cell.X, cell.Y);
            Assert.Equal("weight", await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#layer-role-shown"), t => t == "weight", TimeSpan.FromSeconds(15)));
            Assert.Equal(cell.Layer, await page.InnerTextAsync("#layer-name"));
            Assert.Equal("weight", await page.EvalOnSelectorAsync<string>("#layer-role", "s => s.value"));
            Assert.Contains("· weight ·", await page.InnerTextAsync("#amax-chart"));
            await page.WaitForSelectorAsync("#amax-window-chart"); // the weight's delayed scale (H = 4) has a history window

            // A metric the old six-entry picker never offered: MSE, from the weight's recorded metrics.
            Assert.True(await page.Locator("#heatmap-metric option[value='mse']").CountAsync() == 1);
            await page.SelectOptionAsync("#heatmap-metric", "mse");
            await ChartProbe.WaitForAsync(() => page.GetAttributeAsync("#export-heatmap-png", "href"), h => h!.Contains("metric=mse&role=weight"), Patience);
            await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#saturation-heatmap"), t => t.Contains("MSE (x² units) · weight"), Patience);
            Assert.Equal(12, await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "saturation-heatmap"), n => n >= 12, Patience));
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "run-page-weight-role"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }
}
