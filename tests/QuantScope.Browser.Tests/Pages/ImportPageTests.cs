using System.Text;
using Microsoft.Playwright;
using QuantScope.Browser.Tests.Support;
using Xunit.Abstractions;

namespace QuantScope.Browser.Tests.Pages;

/// <summary>The import page in real headless Chromium: a log in, a run out; a refused log names why.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [BrowserFact]
    public async Task ImportOlmoLogThenAStepLessCsvWithABadStepColumn_RunLinkAndTheReason()
    {
        var db = KestrelTestHost.NewDatabasePath();
        try
        {
            await using var server = new KestrelTestHost(db);
            await using var browser = await BrowserSession.StartAsync();
            var page = await browser.NewPageAsync();
            await page.GotoAsync(server.BaseUrl + "/");
            await page.ClickAsync("a[href='/import']");
            await browser.WaitForUrlAsync(page, "/import$", Patience);
            await browser.WaitForAsync(page, "#import-file:not([disabled])", Patience);

            const string olmo = "2024-05-01 10:00:00 INFO [step=120/15000,epoch=0]\n    train/CrossEntropyLoss=2.998\n    optim/total_grad_norm=0.71\n" +
                                "2024-05-01 10:00:09 INFO [step=121/15000,epoch=0]\n    train/CrossEntropyLoss=2.991\n";
            await PickAsync(page, "olmo.log", olmo);
            await page.FillAsync("#import-name", "olmo from the page");
            await page.ClickAsync("#import-run");
            await browser.WaitForAsync(page, "#import-result", Patience);
            var result = await page.InnerTextAsync("#import-result");
            Assert.Contains("Imported 3 points of 2 metrics", result);
            Assert.Contains("format kv", result);
            Assert.Contains("train/CrossEntropyLoss", result);
            output.WriteLine(await BrowserSession.ScreenshotAsync(page, "import-page"));

            await PickAsync(page, "losses.csv", "loss,lr\n2.5,0.001\n2.25,0.001\n");
            await page.FillAsync("#import-step-column", "samples");
            await page.ClickAsync("#import-run");
            await browser.WaitForAsync(page, "#import-error", Patience);
            Assert.Contains("Step column 'samples' is not in the CSV header", await page.InnerTextAsync("#import-error"));

            await page.FillAsync("#import-step-column", "");
            await page.ClickAsync("#import-run");
            await browser.WaitForAsync(page, "#import-result .import-note", Patience);
            Assert.Contains("row number", await page.InnerTextAsync("#import-result .import-note"));

            await page.GotoAsync(server.BaseUrl + "/");
            await browser.WaitForAsync(page, "text=olmo from the page", Patience);
        }
        finally
        {
            KestrelTestHost.DeleteDatabase(db);
        }
    }

    // Sets the file until the circuit has seen it (the Import button turns on): a change before the input's script
    // is wired would be lost.
    private static async Task PickAsync(IPage page, string name, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await page.SetInputFilesAsync("#import-file", new FilePayload { Name = name, MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(text) });
            try
            {
                await page.WaitForSelectorAsync("#import-run:not([disabled])", new() { Timeout = 3000 });
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }
}
