namespace QuantScope.Web.Tests.Setup;

public sealed class QuantScopeSetupTests : IClassFixture<QuantScopeWebFactory>
{
    private readonly QuantScopeWebFactory _factory;

    public QuantScopeSetupTests(QuantScopeWebFactory factory) => _factory = factory;

    [Fact]
    public async Task AddQuantScope_StorageSettingFromHost_UsesThatDatabaseFile()
    {
        // The setting must be visible while AddQuantScope reads builder.Configuration, or the app would use src/Web/data.
        var response = await _factory.CreateClient().GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_factory.DatabasePath, _factory.Services.GetRequiredService<QuantScopeDatabase>().Path);
        Assert.True(File.Exists(_factory.DatabasePath));
    }

    [Fact]
    public async Task MapQuantScope_HomePage_ServesTheInteractiveShell()
    {
        // Pages render without prerendering: the shell only loads the Blazor script, which then opens the circuit.
        var response = await _factory.CreateClient().GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("blazor.web", await response.Content.ReadAsStringAsync());
    }
}
