using QuantScope.Browser.Tests.Support;

namespace QuantScope.Browser.Tests.Support;

[Collection(BrowserCollection.Name)]
public sealed class ChromiumLocatorTests
{
    [Fact]
    public void Find_ConfiguredPathMissing_FailsNamingTheVariable()
    {
        var before = Environment.GetEnvironmentVariable(ChromiumLocator.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(ChromiumLocator.PathVariable, "/nonexistent/chromium");
            var error = Assert.Throws<InvalidOperationException>(ChromiumLocator.Find);
            Assert.Contains(ChromiumLocator.PathVariable, error.Message);
            Assert.Contains("/nonexistent/chromium", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ChromiumLocator.PathVariable, before);
        }
    }

    [Fact]
    public void Find_ConfiguredPathExists_ReturnsIt()
    {
        var before = Environment.GetEnvironmentVariable(ChromiumLocator.PathVariable);
        var fake = Path.GetTempFileName();
        try
        {
            Environment.SetEnvironmentVariable(ChromiumLocator.PathVariable, fake);
            Assert.Equal(fake, ChromiumLocator.Find());
        }
        finally
        {
            Environment.SetEnvironmentVariable(ChromiumLocator.PathVariable, before);
            File.Delete(fake);
        }
    }
}
