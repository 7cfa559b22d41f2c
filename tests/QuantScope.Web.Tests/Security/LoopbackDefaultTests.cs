using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using QuantScope.Tests.Shared;
using QuantScope.Web.Security;

namespace QuantScope.Web.Tests.Security;

/// <summary>No token on loopback: everything open as before. A non-loopback binding generates and requires one.</summary>
public sealed partial class LoopbackDefaultTests
{
    [Fact]
    public void Appsettings_DefaultUrls_LoopbackOnly()
    {
        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "src", "Web", "appsettings.json")).Build();
        var urls = settings["Urls"]!.Split(';');
        Assert.NotEmpty(urls);
        Assert.All(urls, u => Assert.True(ListenAddresses.IsLoopback(u), u));
        Assert.True(string.IsNullOrEmpty(settings["Security:AccessToken"]));
    }

    [Fact]
    public async Task TestServer_NoTokenConfigured_ApiAndUiOpen()
    {
        using var factory = new QuantScopeWebFactory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var api = await client.GetAsync("/api/runs");
        using var page = await client.GetAsync("/");
        using var login = await client.GetAsync("/login");

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("login-not-needed", await login.Content.ReadAsStringAsync());
        Assert.False(factory.Services.GetRequiredService<AccessGate>().IsRequired);
    }

    [Fact]
    public async Task Kestrel_LoopbackBinding_NoTokenRequired()
    {
        var console = new StringWriter();
        using var server = BoundServer(IPAddress.Loopback, console, new CapturingLoggerProvider());
        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{server.Port}/api/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(console.ToString());
    }

    [Fact]
    public async Task Kestrel_AnyAddressBinding_GeneratesPrintsAndRequiresToken()
    {
        var (console, logs) = (new StringWriter(), new CapturingLoggerProvider());
        using var server = BoundServer(IPAddress.Any, console, logs);
        using var client = new HttpClient();

        var printed = console.ToString();
        var token = PrintedToken().Match(printed).Groups[1].Value;
        using var without = await client.GetAsync($"http://127.0.0.1:{server.Port}/api/runs");
        using var with = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{server.Port}/api/runs");
        with.Headers.Authorization = new("Bearer", token);
        using var accepted = await client.SendAsync(with);

        Assert.Contains("0.0.0.0", printed);
        Assert.Equal(43, token.Length); // 32 random bytes, base64url
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(token, StringComparison.Ordinal));
    }

    [GeneratedRegex("Access token: (\\S+)")]
    private static partial Regex PrintedToken();

    /// <summary>The app on Kestrel at the given address, port 0, with no token configured, printing to <paramref name="console"/>.</summary>
    private static KestrelTestHost BoundServer(IPAddress address, StringWriter console, CapturingLoggerProvider logs) => new(
        settings: new Dictionary<string, string> { ["Security:AccessToken"] = "" },
        address: address,
        configure: builder =>
        {
            builder.ConfigureLogging(l => l.AddProvider(logs));
            builder.ConfigureTestServices(s => s.AddSingleton(new AccessGate(null, console)));
        });
}
