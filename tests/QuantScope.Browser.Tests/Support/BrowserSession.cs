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

    /// <summary>A page of the given size.</summary>
    public async Task<IPage> NewPageAsync(int width = 1400, int height = 1600)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        return await context.NewPageAsync();
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
