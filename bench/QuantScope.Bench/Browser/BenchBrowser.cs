using Microsoft.Playwright;

namespace QuantScope.Bench.Browser;

/// <summary>Headless Debian Chromium through Playwright, launched as the browser tests launch it (no download).</summary>
public sealed class BenchBrowser : IAsyncDisposable
{
    private static readonly string[] LaunchArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _executable;

    private BenchBrowser(IPlaywright playwright, IBrowser browser, string executable)
    {
        _playwright = playwright;
        Browser = browser;
        _executable = executable;
    }

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>Launches /usr/bin/chromium (override with QUANTSCOPE_CHROMIUM) headless.</summary>
    public static async Task<BenchBrowser> StartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("QUANTSCOPE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(executable))
            throw new FileNotFoundException($"Chromium not found at {executable}: apt-get install -y chromium (or set QUANTSCOPE_CHROMIUM).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable, Headless = true, Args = LaunchArgs,
        });
        return new BenchBrowser(playwright, browser, executable);
    }

    /// <summary>A new page in its own context (cold cache), laptop-sized.</summary>
    public async Task<IPage> NewPageAsync(IBrowserContext? context = null)
    {
        context ??= await NewContextAsync();
        return await context.NewPageAsync();
    }

    /// <summary>A new browser context (its own cache and cookies).</summary>
    public Task<IBrowserContext> NewContextAsync() =>
        Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });

    /// <summary>
    /// A browser of its own with an on-disk profile in <paramref name="profileDirectory"/>, as a user's browser: its
    /// HTTP cache and V8's code cache persist from one visit to the next (an off-the-record context, as
    /// <see cref="NewContextAsync"/> makes, keeps no code cache, so every visit compiles plotly.js again).
    /// </summary>
    public Task<IBrowserContext> NewProfileAsync(string profileDirectory) =>
        _playwright.Chromium.LaunchPersistentContextAsync(profileDirectory, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = _executable, Headless = true, Args = LaunchArgs,
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
        });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
