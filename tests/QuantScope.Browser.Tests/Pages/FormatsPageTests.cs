using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The formats page in real headless Chromium.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FormatsPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [BrowserFact]
    public async Task PickE5M2_QuantizePastedValues_ShowsPropsGridAndTableAndNamesTheBadLine()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + "/");
            await page.ClickAsync("a[href='/formats']");
            await browser.WaitForUrlAsync(page, "/formats$", Patience);
            // The chart is drawn by the interactive circuit: once it has points, the page answers events.
            Assert.True(await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "format-grid"), n => n > 0, Patience) > 0);
            Assert.Contains("emulated", await page.InnerTextAsync("main"), StringComparison.OrdinalIgnoreCase);

            await page.SelectOptionAsync("#format-picker", "e5m2");
            var props = await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#format-props"), t => t.Contains("57344"), Patience);
            Assert.Contains("57344", props);
            var points = await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "format-grid"), n => n > 0, Patience);
            Assert.True(points > 0, $"the grid chart had {points} points");
            Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('format-grid').data[0].x.length > 0"));

            await page.FillAsync("#quantize-input", "1.0625\n500\nabc");
            await page.ClickAsync("#quantize-run");
            await page.WaitForSelectorAsync("#quantize-output tbody tr");
            var rows = await page.Locator("#quantize-output tbody tr").AllInnerTextsAsync();
            Assert.Equal(2, rows.Count);
            // E5M2: 1.0625 lies between 1 and 1.25 -> 1; 500 lies between 448 and 512 -> 512.
            Assert.Equal("1.0625", (await page.InnerTextAsync("#quantize-output tbody tr:nth-child(1) td:nth-child(1)")).Trim());
            Assert.Equal("1", (await page.InnerTextAsync("#quantize-output tbody tr:nth-child(1) td:nth-child(2)")).Trim());
            Assert.Equal("512", (await page.InnerTextAsync("#quantize-output tbody tr:nth-child(2) td:nth-child(2)")).Trim());
            var alert = await page.InnerTextAsync("p.error");
            Assert.Contains("line 3", alert);
            Assert.Contains("abc", alert);

            var screenshot = Path.Combine(BrowserSession.ArtifactsDirectory, "formats-page.png");
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
            output.WriteLine($"screenshot: {screenshot}");
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }
}
