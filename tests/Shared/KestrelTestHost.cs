using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace QuantScope.Tests.Shared;

/// <summary>
/// The real app in-process on Kestrel on a free port (127.0.0.1 unless told otherwise), for clients that need a real
/// socket: browsers, hub clients, other processes. Without a database path it writes to a temporary database and
/// deletes it on dispose; a path the caller gives (shared by several hosts, or reopened by a second host) is the
/// caller's to delete (<see cref="DeleteDatabase"/>). Linked into the Web and browser test projects and the bench
/// (this file lives once, in tests/Shared).
/// </summary>
public sealed class KestrelTestHost : WebApplicationFactory<Program>
{
    private readonly string _databasePath;
    private readonly bool _ownsDatabase;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _environment;
    private readonly Action<IWebHostBuilder>? _configure;

    /// <summary>Starts the app.</summary>
    /// <param name="databasePath">The SQLite file (created if missing); null = a temporary one, deleted on dispose.</param>
    /// <param name="settings">Configuration overrides (<c>Section:Key</c> = value), applied after the database path.</param>
    /// <param name="environment">The host environment; Development serves static assets from the build.</param>
    /// <param name="address">The address to listen on (port 0 = free); null = 127.0.0.1.</param>
    /// <param name="configure">Anything else on the host (logging, test services), applied last.</param>
    public KestrelTestHost(
        string? databasePath = null,
        IReadOnlyDictionary<string, string>? settings = null,
        string environment = "Development",
        IPAddress? address = null,
        Action<IWebHostBuilder>? configure = null)
    {
        _ownsDatabase = databasePath is null;
        _databasePath = databasePath ?? NewDatabasePath();
        _settings = settings ?? new Dictionary<string, string>();
        _environment = environment;
        _configure = configure;
        UseKestrel(o => o.Listen(address ?? IPAddress.Loopback, 0));
        StartServer();
        var bound = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // A wildcard bind (0.0.0.0) is reached through loopback.
        BaseUrl = bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        Port = new Uri(BaseUrl).Port;
    }

    /// <summary>Where the app answers, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>The port Kestrel picked.</summary>
    public int Port { get; }

    /// <summary>The SQLite file the app stores into.</summary>
    public string DatabasePath => _databasePath;

    /// <summary>A fresh database path in the temp folder (nothing is created).</summary>
    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"quantscope-test-{Guid.NewGuid():N}.db");

    /// <summary>Deletes a database file and its WAL companions (after clearing the pooled connections that hold them).</summary>
    public static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DatabasePath", _databasePath);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.UseEnvironment(_environment);
        _configure?.Invoke(builder);
    }

    /// <inheritdoc />
    /// <remarks>DisposeAsync ends here too.</remarks>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDatabase) DeleteDatabase(_databasePath);
    }
}
