using System.Net.Http.Json;
using System.Text.Json;
using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The compare page in real headless Chromium: config diff, overlaid curves, heatmaps and A − B.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ComparePageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [BrowserFact]
    public async Task CompareTwoRuns_DiffTableShowsLearningRate_SelfDifferenceAllZeros()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var a = await TestRuns.StartAsync(http, TestRuns.Config("lr-3e-3", 10, 3e-3));
            Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, a, "completed", Patience));
            var b = await TestRuns.StartAsync(http, TestRuns.Config("lr-1e-3", 10, 1e-3));
            Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, b, "completed", Patience));

            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{server.BaseUrl}/compare?runs={a},{b}");
            await browser.WaitForAsync(page, "#config-diff", Patience);
            var lr = page.Locator("#config-diff tr", new() { HasText = "learningRate" });
            Assert.Equal(1, await lr.CountAsync());
            var cells = await lr.Locator("td").AllInnerTextsAsync();
            Assert.Equal(["0.003", "0.001"], cells);
            // Equal fields are left out.
            Assert.Equal(0, await page.Locator("#config-diff tr", new() { HasText = "batchSize" }).CountAsync());

            Assert.Equal(10, await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "compare-curves", 1), n => n >= 10, Patience));
            Assert.True(await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapStepsAsync(page, "diff-heatmap"), n => n > 0, Patience) > 0);
            Assert.Equal(2, await page.Locator("#compare-summary tbody tr").CountAsync());
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "compare-page"));

            // A run against itself: the API and the page both give zeros.
            var self = await http.GetFromJsonAsync<JsonElement>($"/api/compare/heatmap-diff?a={a}&b={a}&metric=overflowFraction&role=input");
            var values = self.GetProperty("values").EnumerateArray().SelectMany(r => r.EnumerateArray()).ToList();
            Assert.NotEmpty(values);
            Assert.All(values, v => Assert.Equal(0f, v.GetSingle()));

            await page.GotoAsync($"{server.BaseUrl}/compare?runs={a},{a}");
            await browser.WaitForAsync(page, "#config-same", Patience);
            var z = await ChartProbe.WaitForAsync(() => ChartProbe.HeatmapValuesAsync(page, "diff-heatmap"), v => v.Length > 0, Patience);
            Assert.NotEmpty(z);
            Assert.All(z, v => Assert.Equal(0.0, v));
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "compare-self"));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }
}
