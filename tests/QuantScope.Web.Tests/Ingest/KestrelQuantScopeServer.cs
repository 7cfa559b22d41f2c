using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace QuantScope.Web.Tests.Ingest;

/// <summary>The real app on Kestrel at 127.0.0.1 on a free port (for clients in other processes), on a temp database.</summary>
public sealed class KestrelQuantScopeServer : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"quantscope-ingest-{Guid.NewGuid():N}.db");

    /// <summary>Starts the server.</summary>
    public KestrelQuantScopeServer()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary>Where the server answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", _databasePath);
        builder.UseEnvironment("Development");
    }

    /// <inheritdoc />
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
