using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The runs table in real headless Chromium: live status, filters, compare selection, delete.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RunsPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [BrowserFact]
    public async Task RunsTable_UpdatesStatusLive_FiltersComparesAndDeletes()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + "/");
            await browser.WaitForAsync(page, "p.empty", Patience);
            // The runs table loads plotly.js once idle, so that a run or compare page opened from it draws at once.
            Assert.True(await ChartProbe.WaitForAsync(() => page.EvaluateAsync<bool>("() => typeof window.Plotly?.newPlot === 'function'"),
                loaded => loaded, Patience));

            // Started after the page loaded: the row, its status and its progress arrive over the live feed.
            var a = await TestRuns.StartAsync(http, TestRuns.Config("live-a", 40));
            var status = $"tr[data-run-id='{a}'] .status";
            await browser.WaitForAsync(page, status, Patience);
            var seen = new HashSet<string>();
            var final = await ChartProbe.WaitForAsync(async () =>
            {
                var s = await page.InnerTextAsync(status);
                seen.Add(s);
                return s;
            }, s => s == "Completed", Patience);
            Assert.Equal("Completed", final);
            Assert.Contains("Running", seen);
            Assert.Equal("40 / 40", await page.InnerTextAsync($"tr[data-run-id='{a}'] .run-progress"));

            var b = await TestRuns.StartAsync(http, TestRuns.Config("live-b", 8, 1e-3));
            Assert.Equal("completed", await TestRuns.WaitForStatusAsync(http, b, "completed", Patience));
            await ChartProbe.WaitForAsync(() => page.Locator("#runs-table tbody tr").CountAsync(), n => n == 2, Patience);

            await page.FillAsync("#runs-search", "live-b");
            await ChartProbe.WaitForAsync(() => page.Locator("#runs-table tbody tr").CountAsync(), n => n == 1, Patience);
            Assert.Equal(1, await page.Locator("#runs-table tbody tr").CountAsync());
            await page.FillAsync("#runs-search", "");
            await ChartProbe.WaitForAsync(() => page.Locator("#runs-table tbody tr").CountAsync(), n => n == 2, Patience);
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "runs-page"));

            Assert.True(await page.IsDisabledAsync("#compare-selected"));
            await page.CheckAsync($"tr[data-run-id='{a}'] .run-select");
            await page.CheckAsync($"tr[data-run-id='{b}'] .run-select");
            await ChartProbe.WaitForAsync(() => page.IsEnabledAsync("#compare-selected"), e => e, Patience);
            await page.ClickAsync("#compare-selected");
            await browser.WaitForUrlAsync(page, @"/compare\?runs=", Patience);
            Assert.Contains(a.ToString(), page.Url);
            Assert.Contains(b.ToString(), page.Url);
            await browser.WaitForAsync(page, "#config-diff", Patience);

            await page.GotoAsync(server.BaseUrl + "/");
            await browser.WaitForAsync(page, $"tr[data-run-id='{b}'] .delete-run", Patience);
            await page.ClickAsync($"tr[data-run-id='{b}'] .delete-run");
            await page.ClickAsync($"tr[data-run-id='{b}'] .confirm-delete");
            Assert.Equal(1, await ChartProbe.WaitForAsync(() => page.Locator("#runs-table tbody tr").CountAsync(), n => n == 1, Patience));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"/api/runs/{b}")).StatusCode);
            Assert.DoesNotContain(browser.ConsoleLog, line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }
}
