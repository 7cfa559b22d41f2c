using System.Net.Http.Json;
using System.Text.Json;
using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The run page's Resume button in real headless Chromium: a cancelled run continues from its checkpoint.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResumeButtonTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private const int Steps = 40;
    private const int CheckpointEvery = 5;

    [BrowserFact]
    public async Task CancelledRun_ResumeButton_ContinuesFromTheCheckpointToTheEnd()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var id = await TestRuns.StartAsync(http, new
            {
                name = "resume-me",
                model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
                steps = Steps, batchSize = 2, seqLen = 16, checkpointEvery = CheckpointEvery,
            });
            await ChartProbe.WaitForAsync(LastStepAsync, s => s >= 12, Patience);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.PostAsync($"/api/runs/{id}/cancel", null)).StatusCode);
            Assert.Equal("cancelled", await TestRuns.WaitForStatusAsync(http, id, "cancelled", Patience));

            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync($"{server.BaseUrl}/runs/{id}");
            await browser.WaitForAsync(page, "#resume-run", Patience);
            var label = await page.InnerTextAsync("#resume-run");
            var from = int.Parse(label.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(from >= 10 && from % CheckpointEvery == 0, label);

            await page.ClickAsync("#resume-run");
            // The page reloads on the resumed run: live again, then completed, with one loss point per step.
            Assert.Equal("Completed", await ChartProbe.WaitForAsync(() => page.InnerTextAsync("#run-status"), s => s == "Completed", Patience));
            Assert.Equal(Steps, await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "loss-chart"), n => n >= Steps, Patience));
            Assert.Equal(0, await page.Locator("#resume-run").CountAsync());
            // The summary is the whole run's, not the cancelled segment's.
            Assert.StartsWith($"completed after {Steps} main steps", await ChartProbe.WaitForAsync(
                async () => await page.Locator("#run-summary .hint").First.InnerTextAsync(), t => t.StartsWith("completed"), Patience));
            // The PTQ panel lists the checkpoints the resumed segment saved too.
            Assert.Contains($", {Steps - CheckpointEvery}", await ChartProbe.WaitForAsync(
                () => page.InnerTextAsync("#ptq"), t => t.Contains($", {Steps - CheckpointEvery}"), Patience));
            var run = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}");
            Assert.Equal(Steps - 1, run.GetProperty("lastStep").GetInt32());
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "run-page-resumed"));

            async Task<int> LastStepAsync() => (await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("lastStep").GetInt32();
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }
}
