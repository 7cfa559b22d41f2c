namespace QuantScope.Browser.Tests.Support;

/// <summary>
/// Finds a Chromium executable: <c>QUANTSCOPE_CHROMIUM</c>, then the usual Debian/Ubuntu paths, then PATH; on a
/// Debian machine without one, installs it first (<see cref="ChromiumInstaller"/>).
/// </summary>
public static class ChromiumLocator
{
    /// <summary>Environment variable naming the Chromium executable to use.</summary>
    public const string PathVariable = "QUANTSCOPE_CHROMIUM";

    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/usr/bin/google-chrome"];

    /// <summary>The executable, or an exception that says how to install one.</summary>
    public static string Find()
    {
        var configured = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{PathVariable}={configured} does not exist.");
        }
        var found = Search() ?? (ChromiumInstaller.TryInstall() is null ? Search() : null);
        return found ?? throw new InvalidOperationException(
            "Chromium was not found" + (ChromiumInstaller.TryInstall() is { } why ? $" and was not installed ({why})" : "") + ". Install Debian's build with `sudo apt-get install -y chromium` (or set " +
            $"{PathVariable} to a Chromium/Chrome executable). To skip the browser tests instead, set " +
            $"{BrowserFactAttribute.SkipVariable}=1.");
    }

    private static string? Search() => Candidates.Concat(FromPath()).FirstOrDefault(File.Exists);

    private static IEnumerable<string> FromPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") });
}
