using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QuantScope.Web.Security;
using QuantScope.Web.Tests.Support;

namespace QuantScope.Web.Tests.Security;

/// <summary>No token on loopback: everything open as before. A non-loopback binding generates and requires one.</summary>
public sealed partial class LoopbackDefaultTests
{
    [Fact]
    public void Appsettings_DefaultUrls_LoopbackOnly()
    {
        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoRoot(), "src", "Web", "appsettings.json")).Build();
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
        using var server = new BoundServer(IPAddress.Loopback);
        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{server.Port}/api/runs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(server.Console.ToString());
    }

    [Fact]
    public async Task Kestrel_AnyAddressBinding_GeneratesPrintsAndRequiresToken()
    {
        using var server = new BoundServer(IPAddress.Any);
        using var client = new HttpClient();

        var printed = server.Console.ToString();
        var token = PrintedToken().Match(printed).Groups[1].Value;
        using var without = await client.GetAsync($"http://127.0.0.1:{server.Port}/api/runs");
        using var with = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{server.Port}/api/runs");
        with.Headers.Authorization = new("Bearer", token);
        using var accepted = await client.SendAsync(with);

        Assert.Contains("0.0.0.0", printed);
        Assert.Equal(43, token.Length); // 32 random bytes, base64url
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.DoesNotContain(server.Logs.Messages, m => m.Contains(token, StringComparison.Ordinal));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "QuantScope.sln"))) dir = dir.Parent!;
        return dir.FullName;
    }

    [GeneratedRegex("Access token: (\\S+)")]
    private static partial Regex PrintedToken();

    /// <summary>The app on Kestrel at the given address, port 0, printing to <see cref="Console"/>.</summary>
    private sealed class BoundServer : WebApplicationFactory<Program>
    {
        private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"quantscope-bind-{Guid.NewGuid():N}.db");

        public BoundServer(IPAddress address)
        {
            UseKestrel(o => o.Listen(address, 0));
            StartServer();
            var bound = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Port = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        }

        public int Port { get; }

        public StringWriter Console { get; } = new();

        public CapturingLoggerProvider Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:DatabasePath", _databasePath);
            builder.UseSetting("Security:AccessToken", "");
            builder.UseEnvironment("Development");
            builder.ConfigureLogging(l => l.AddProvider(Logs));
            builder.ConfigureTestServices(s => s.AddSingleton(new AccessGate(null, Console)));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
            {
                if (File.Exists(file)) File.Delete(file);
            }
        }
    }
}
