namespace QuantScope.Browser.Tests.Support;

/// <summary>
/// A browser test. Skipped only when <c>QUANTSCOPE_SKIP_BROWSER_TESTS=1</c> is set; otherwise a missing Chromium fails
/// the test with instructions (see <see cref="ChromiumLocator"/>).
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Environment variable that skips browser tests when set to 1 or true.</summary>
    public const string SkipVariable = "QUANTSCOPE_SKIP_BROWSER_TESTS";

    /// <summary>Marks the test skipped when browsers are switched off.</summary>
    public BrowserFactAttribute()
    {
        var value = Environment.GetEnvironmentVariable(SkipVariable);
        if (value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"{SkipVariable} is set: browser tests are switched off.";
        }
        Timeout = 0;
    }
}
