using QuantScope.Engine.Quantization;
using System.Globalization;
using System.Text.Json;
using QuantScope.Browser.Tests.Support;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Components.Pages;
using QuantScope.Web.Setup;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The new-run form in headless Chromium: errors from the config reader, then a run that starts and ends.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NewRunPageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    [BrowserFact]
    public async Task StartRun_BadConfig_ListsErrorsAndKeepsTheText()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + "/runs/new");
            await browser.WaitForAsync(page, "#config-json", Patience);

            // The reader stops at the unknown model preset, so only "model" is named.
            const string Bad = """{"steps":-1,"model":"huge"}""";
            await page.FillAsync("#config-json", Bad); // validated as typed: the errors show before any click
            await browser.WaitForAsync(page, "#config-errors li", Patience);
            Assert.True(await page.IsDisabledAsync("#estimate-run"));
            await page.ClickAsync("#start-run");
            await browser.WaitForAsync(page, "#config-errors li", Patience);
            var errors = await page.Locator("#config-errors li").AllInnerTextsAsync();
            Assert.Contains(errors, e => e.StartsWith("model: unknown model preset 'huge'", StringComparison.Ordinal));
            Assert.Equal(Bad, await page.InputValueAsync("#config-json"));

            const string Negative = """{"steps": -1}""";
            await page.FillAsync("#config-json", Negative);
            await page.ClickAsync("#start-run");
            await browser.WaitForAsync(page, "#config-errors li:has-text('steps: ')", Patience);
            errors = await page.Locator("#config-errors li").AllInnerTextsAsync();
            Assert.DoesNotContain(errors, e => e.StartsWith("model:", StringComparison.Ordinal));
            Assert.Equal(Negative, await page.InputValueAsync("#config-json"));
            Assert.EndsWith("/runs/new", page.Url);

            // A device this build does not have is named with the reason before anything starts.
            const string Cuda = """{"device": "cuda:1"}""";
            await page.FillAsync("#config-json", Cuda);
            await browser.WaitForAsync(page, "#config-errors li:has-text('device: ')", Patience);
            errors = await page.Locator("#config-errors li").AllInnerTextsAsync();
            Assert.Contains(errors, e => e.StartsWith("device: 'cuda:1' is not available: this is a CPU-only build", StringComparison.Ordinal));
            Assert.Equal(Cuda, await page.InputValueAsync("#config-json"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSession.ArtifactsDirectory, "new-run-errors.png"), FullPage = true });

            // Picking an example replaces the text and clears the errors.
            await page.SelectOptionAsync("#config-example", "1");
            await ChartProbe.WaitForAsync(() => page.InputValueAsync("#config-json"), t => t.Contains("hif8-pangu"), Patience);
            Assert.Contains("\"historyLength\": 64", await page.InputValueAsync("#config-json"));
            Assert.Equal(0, await page.Locator("#config-errors").CountAsync());
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    [BrowserFact]
    public async Task StartRun_TinyConfig_NavigatesToTheRunAndShowsItsSummary()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + "/runs/new");
            await browser.WaitForAsync(page, "#config-json", Patience);

            // evalEvery 8 = evaluations at steps 0 and 8 only: each one (model and twin, probes and three tasks) costs
            // several CPU seconds, and a third would push the test towards a minute on a loaded 2-core machine.
            await page.FillAsync("#config-json",
                """{"name":"form-run","model":"tiny","steps":8,"batchSize":2,"seqLen":16,"baseline":true,"evalEvery":8}""");
            await page.ClickAsync("#estimate-run"); // times a few real steps of this config
            await browser.WaitForAsync(page, "#config-status:has-text('on this machine (8 steps')", Patience);
            await page.ClickAsync("#start-run");
            await browser.WaitForUrlAsync(page, @"/runs/[0-9a-f-]{36}$", Patience); // a run id, not /runs/new
            await browser.WaitForAsync(page, "h1:has-text('form-run')", Patience); // the run page has rendered

            // The page stays open while the run ends: the summary must appear without a reload.
            await browser.WaitForAsync(page, "#run-summary", 3 * Patience); // two evaluations of run and twin: slow on a busy machine
            Assert.Equal("Completed", await page.InnerTextAsync("#run-status"));
            var ape = await page.InnerTextAsync("#summary-ape-mean");
            Assert.True(double.TryParse(ape, NumberStyles.Float, CultureInfo.InvariantCulture, out var apePct) && apePct >= 0, $"APE mean was '{ape}'");
            Assert.Equal(2, await page.Locator("#summary-tasks tbody tr").CountAsync()); // facts, continuation: reasoning's endings do not fit tiny's context
            Assert.NotEqual("–", await page.InnerTextAsync("#summary-baseline-loss"));

            // Held-out loss is evaluated at steps 0 and 8.
            var evalPoints = await ChartProbe.WaitForAsync(() => ChartProbe.PointCountAsync(page, "eval-chart"), n => n >= 2, Patience);
            Assert.Equal(2, evalPoints);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserSession.ArtifactsDirectory, "new-run-summary.png"), FullPage = true });
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    [Fact]
    public void Examples_EveryOne_IsAValidConfig()
    {
        var configs = NewRun.Examples.ToDictionary(e => e.Label, e =>
        {
            var (config, errors) = ConfigReader.Read(e.Json);
            Assert.True(errors.Count == 0, $"{e.Label}: {string.Join("; ", errors)}");
            return config!.Config;
        });

        Assert.Equal(Json(TrainConfig.Demo), Json(configs["demo"]));
        var pangu = configs["OpenPangu recipe at small scale"];
        Assert.Equal(("hif8-pangu", 64, AmaxAlgorithm.Max, 1e-5, 6), (pangu.Quant!.Preset, pangu.Quant.HistoryLength, pangu.Quant.Algorithm, pangu.LearningRate, pangu.Model.Layers));
        var mostRecent = configs["same with most_recent (failure: H=1)"];
        Assert.Equal((1, AmaxAlgorithm.MostRecent), (mostRecent.Quant!.HistoryLength, mostRecent.Quant!.Algorithm));
        Assert.Equal(Json(pangu with { Name = "hif8 max/64 lr 1e-3", LearningRate = 1e-3 }), Json(configs["same with lr 1e-3 (failure: forgetting)"]));
        Assert.Equal("w4a4-g128", configs["W4A4 g128"].Quant!.Preset);
        Assert.Equal("w4a4-g128-fc2-int8", configs["W4A4 g128 + FC2 INT8"].Quant!.Preset);
        Assert.Equal("fp8-hybrid-delayed", configs["TE FP8 hybrid (E4M3 forward, E5M2 gradients, max over 1024)"].Quant!.Preset);
        Assert.All(configs.Values.Skip(4), c => Assert.True(c.Baseline && c.Pretrain is not null));
    }

    [Fact]
    public void EstimateText_NamesTheTotalAndItsParts()
    {
        var text = NewRun.EstimateText(new RunTimeEstimate(300, 200, 400, 50, false, 5));
        Assert.Equal("≈ 1 min 20 s on this machine (300 steps × 200 ms; pretraining 400 steps × 50 ms; plus 5 evaluations)", text);
        Assert.Equal("≈ 2 s on this machine (10 steps × 200 ms; pretraining cached)", NewRun.EstimateText(new RunTimeEstimate(10, 200, 0, 0, true, 0)));
    }

    // Records holding lists compare the lists by reference: compare what they serialize to instead.
    private static string Json(TrainConfig config) => JsonSerializer.Serialize(config, JsonDefaults.Options);
}
