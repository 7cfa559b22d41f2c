using Microsoft.Playwright;

namespace QuantScope.Browser.Tests.Support;

/// <summary>Headless Debian Chromium driven by Playwright (no browser download: the system executable is used).</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string[] LaunchArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private readonly IPlaywright _playwright;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>Launches Chromium headless, or fails with install instructions when it is missing.</summary>
    public static async Task<BrowserSession> StartAsync()
    {
        var executable = ChromiumLocator.Find();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = LaunchArgs,
        });
        return new BrowserSession(playwright, browser);
    }

    /// <summary>What the pages printed to their console and the errors they threw, for failure messages.</summary>
    public IReadOnlyCollection<string> ConsoleLog => _console;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();

    /// <summary>A page of the given size whose console output and errors go to <see cref="ConsoleLog"/>.</summary>
    public async Task<IPage> NewPageAsync(int width = 1400, int height = 1600)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.Console += (_, m) => _console.Enqueue($"console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => _console.Enqueue($"page error: {e}");
        return page;
    }

    /// <summary>
    /// Waits until the dashboard's interactive circuit has rendered <paramref name="selector"/>; on timeout fails with
    /// the page's text and console log, so a CI failure says what the browser saw.
    /// </summary>
    public async Task WaitForAsync(IPage page, string selector, TimeSpan timeout)
    {
        try
        {
            await page.WaitForSelectorAsync(selector, new PageWaitForSelectorOptions { Timeout = (float)timeout.TotalMilliseconds });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(await DescribeAsync(page, $"'{selector}' did not appear within {timeout.TotalSeconds} s"), ex);
        }
    }

    /// <summary>
    /// Waits until the page's URL matches <paramref name="pattern"/> (a regex), polling <c>page.Url</c>: Blazor navigates
    /// with pushState, and Playwright's WaitForURL (which also waits for a load event) missed such a navigation on CI
    /// although the URL had changed. On timeout fails like <see cref="WaitForAsync"/>.
    /// </summary>
    public async Task WaitForUrlAsync(IPage page, string pattern, TimeSpan timeout)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
        while (!regex.IsMatch(page.Url))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(await DescribeAsync(page, $"the URL did not match '{pattern}' within {timeout.TotalSeconds} s"));
            await Task.Delay(100);
        }
    }

    private async Task<string> DescribeAsync(IPage page, string what)
    {
        var text = await page.EvaluateAsync<string>("() => document.body ? document.body.innerText : '(no body)'");
        return $"{what}. URL: {page.Url}\nPage text:\n{text}\nConsole:\n{string.Join("\n", _console)}";
    }

    /// <summary>Folder for screenshots kept as test artifacts.</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Folder for page screenshots (<c>artifacts/screenshots</c> under the test output).</summary>
    public static string ScreenshotsDirectory
    {
        get
        {
            var dir = Path.Combine(ArtifactsDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Saves a full-page screenshot as <c>artifacts/screenshots/NAME.png</c> and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotsDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
