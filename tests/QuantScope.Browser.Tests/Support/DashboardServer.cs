using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace QuantScope.Browser.Tests.Support;

/// <summary>The real app on Kestrel at 127.0.0.1 on a free port, with its database in a file the test chooses.</summary>
public sealed class DashboardServer : WebApplicationFactory<Program>
{
    private readonly string _databasePath;

    /// <summary>Starts the app on the given database file (created if missing).</summary>
    public DashboardServer(string databasePath)
    {
        _databasePath = databasePath;
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    /// <summary>Where the dashboard answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", _databasePath);
        builder.UseEnvironment("Development");
    }

    /// <summary>A fresh database path in the temp folder.</summary>
    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"quantscope-browser-{Guid.NewGuid():N}.db");

    /// <summary>Deletes a database file and its WAL companions.</summary>
    public static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
