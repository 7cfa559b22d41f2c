using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QuantScope.Bench.Browser;

/// <summary>
/// The real app in-process on Kestrel at 127.0.0.1 on a free port (as the browser tests' DashboardServer), on a
/// temporary database that is deleted on dispose. Production environment, static assets from the build output.
/// </summary>
public sealed class BenchServer : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"quantscope-bench-{Guid.NewGuid():N}.db");

    /// <summary>Starts the app.</summary>
    public BenchServer()
    {
        // WebApplicationFactory finds the app's content root through MvcTestingAppManifest.json in the working
        // directory (a test runner's is the output folder; `dotnet run`'s is where it was started).
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>Where the dashboard answers.</summary>
    public string BaseUrl { get; }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", _databasePath);
        // Static assets as a published dashboard serves them: precompressed, and fingerprinted ones cached as immutable.
        // From a build's manifest ASP.NET Core would patch them at run time for hot reload (no-cache, re-gzipped
        // uncompressed), so every visit would download plotly.js whole again.
        builder.UseEnvironment("Production");
        builder.UseStaticWebAssets();
        builder.UseSetting("ReloadStaticAssetsAtRuntime", "false");
        builder.ConfigureLogging(l => l.AddFilter((_, level) => level >= LogLevel.Warning)); // the bench prints its own table
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
