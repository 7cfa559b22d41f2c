using System.Net.Http.Json;
using System.Text.Json;
using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>
/// The first click of a new user, in real headless Chromium, with the quick demo study (<c>Demo:Quick</c>): "Start
/// demo" opens the study page, the four runs stream (status, loss against the twin, live loss APE), and at the end
/// each run shows its results and its diagnosis, and the targets are judged.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StudyPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [BrowserFact]
    public async Task StartDemo_QuickStudy_StreamsFourRunsThenShowsResultsAndDiagnosis()
    {
        // A folder of its own: the pretraining cache lives next to the database.
        var folder = Directory.CreateTempSubdirectory("qs-study-browser-");
        var db = Path.Combine(folder.FullName, "quantscope.db");
        try
        {
            await using var server = new KestrelTestHost(db, new Dictionary<string, string> { ["Demo:Quick"] = "true" });
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync(1400, 2400);
            await page.GotoAsync(server.BaseUrl + "/");
            await browser.WaitForAsync(page, "#runs-table, p.empty", Patience);
            await page.ClickAsync("#start-demo-study");
            await browser.WaitForUrlAsync(page, @"/studies/[0-9a-f-]{36}$", Patience);
            await browser.WaitForAsync(page, "section.study-run", Patience);

            string[] arms = ["fixed", "most-recent-h1", "high-lr", "no-warmup"];
            Assert.Equal(arms, await page.Locator("section.study-run").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.arm)"));

            // Streaming: every run's loss APE against its twin arrives on the shared chart and in its card.
            for (var i = 0; i < arms.Length; i++)
            {
                var trace = i;
                var points = await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "study-ape", trace), n => n > 0, Patience);
                Assert.True(points > 0, $"no loss APE points for {arms[i]}");
                Assert.True(await ChartProbe.PointCountAsync(page, $"study-loss-{i}", 1) > 0, $"no twin loss for {arms[i]}");
            }

            // The end: each run completed, with its figures and its diagnosis; every target judged.
            var statuses = await ChartProbe.WaitForAsync(
                () => page.Locator("section.study-run .run-status").AllInnerTextsAsync(),
                s => s.Count == 4 && s.All(x => x is "completed" or "failed"), Patience);
            Assert.All(statuses, s => Assert.Equal("completed", s));
            var diagnosed = await ChartProbe.WaitForAsync(
                () => page.Locator("section.study-run .diagnosis-none, section.study-run .study-findings").CountAsync(), n => n == 4, Patience);
            Assert.Equal(4, diagnosed);
            foreach (var text in await page.Locator("section.study-run .result-ape").AllInnerTextsAsync()) Assert.Contains("%", text);
            foreach (var text in await page.Locator("section.study-run .ape-mean").AllInnerTextsAsync()) Assert.EndsWith("%", text);
            Assert.True(await page.Locator("section.study-run .task-drop").CountAsync() >= 4, "every run lists its task drops");
            var met = await ChartProbe.WaitForAsync(() => page.Locator("#study-targets td.met").AllInnerTextsAsync(),
                m => m.Count > 0 && m.All(x => x is "met" or "not met" or "not measured"), Patience);

            // The engine's targets for the quick study (DemoStudyTargets): the wall time; the fixed recipe's loss APE, one
            // drop per task and its findings; two per other arm (its axis, and named by the diagnosis). The API agrees.
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var study = await http.GetFromJsonAsync<JsonElement>("/api/studies/" + page.Url[(page.Url.LastIndexOf('/') + 1)..]);
            var fixedTasks = study.GetProperty("runs")[0].GetProperty("tasks").GetArrayLength();
            Assert.True(fixedTasks > 0, "the fixed recipe reports its tasks");
            Assert.Equal(1 + 2 + fixedTasks + 2 * 3, met.Count);
            Assert.Equal(study.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("verdict").GetString()), met);
            Assert.Equal(["study", "fixed", "most-recent-h1", "high-lr", "no-warmup"],
                (await page.Locator("#study-targets tbody tr").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.arm)")).Distinct());

            var compare = await page.GetAttributeAsync("#study-compare", "href");
            var runIds = await page.Locator("section.study-run").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.runId)");
            Assert.All(runIds, id => Assert.Contains(id, compare));
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "study-page"));

            // Listed among the studies.
            await page.GotoAsync(server.BaseUrl + "/studies");
            await browser.WaitForAsync(page, "#studies-table tbody tr", Patience);
            Assert.Equal(1, await page.Locator("#studies-table tbody tr").CountAsync());
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
            folder.Delete(recursive: true);
        }
    }
}
