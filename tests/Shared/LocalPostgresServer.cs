using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace QuantScope.Tests.Shared;

/// <summary>
/// A throwaway PostgreSQL cluster for tests and benchmarks: <c>initdb</c> into a fresh temp folder, the server on
/// 127.0.0.1 and a free port (TCP only on loopback, trust authentication, superuser <c>postgres</c>), and everything
/// stopped and deleted on dispose. As root the programs run as the <c>postgres</c> OS user (PostgreSQL refuses root).
/// A watchdog shell process stops and deletes the cluster within a second of this process ending without a dispose
/// (killed, or a test host that exits without running finalizers); as a second net, clusters whose owner pid is gone
/// are removed on the next start.
/// </summary>
internal sealed class LocalPostgresServer : IAsyncDisposable
{
    private const string FolderPrefix = "quantscope-pg-";
    private const string OwnerFile = "owner.pid";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _bin;
    private readonly string _root;
    private int _stopped;

    private LocalPostgresServer(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    /// <summary>TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Version string the server reports (e.g. "15.14").</summary>
    public string Version { get; private set; } = "";

    /// <summary>The cluster's temp folder (data, socket, log), deleted on dispose.</summary>
    internal string RootFolder => _root;

    private string DataDirectory => Path.Combine(_root, "data");

    /// <summary>
    /// Starts a cluster. <paramref name="durable"/> false switches off fsync and full-page writes (tests: nothing of a
    /// throwaway cluster must survive a power cut); true keeps PostgreSQL's defaults (benchmarks, so figures mean something).
    /// </summary>
    public static async Task<LocalPostgresServer> StartAsync(bool durable, CancellationToken ct)
    {
        var bin = await PostgresBinaries.FindOrInstallAsync(ct);
        await RemoveAbandonedAsync(bin, ct);
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++) // a free port can be taken between probing and binding
        {
            var root = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
            var server = new LocalPostgresServer(bin, root, FreePort());
            try
            {
                await server.InitAndStartAsync(durable, ct);
                server.StartWatchdog();
                return server;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                last = ex;
                await server.DisposeAsync();
            }
        }
        throw new InvalidOperationException($"The local PostgreSQL server did not start: {last?.Message}", last);
    }

    /// <summary>Connection string to <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        // No extra pooled connections idle in tests: a database can then be dropped as soon as its users are gone.
        MaxPoolSize = 20,
    }.ToString();

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
    {
        RequireName(name);
        await ExecuteAsync($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8';", ct);
        return ConnectionString(name);
    }

    /// <summary>Drops a database, ending any session still connected to it.</summary>
    public async Task DropDatabaseAsync(string name, CancellationToken ct)
    {
        RequireName(name);
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);", ct);
    }

    /// <summary>Stops the server (fast shutdown) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        NpgsqlConnection.ClearAllPools();
        await StopAndDeleteAsync(_bin, _root, "fast", CancellationToken.None);
    }

    private async Task InitAndStartAsync(bool durable, CancellationToken ct)
    {
        Directory.CreateDirectory(_root);
        // World-writable (chmod: not masked by the umask) so the postgres OS user can create the data and socket
        // folders in it when we are root.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(_root, (UnixFileMode)0x1FF); // 0777
        await File.WriteAllTextAsync(Path.Combine(_root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), ct);
        await PostgresProcess.RunAsync(Path.Combine(_bin, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            asPostgresUser: true, CommandTimeout, ct);
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={_root} -c max_connections=200";
        if (!durable) options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off";
        await PostgresProcess.RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", options, "start"],
            asPostgresUser: true, CommandTimeout, ct);
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(ct);
        Version = connection.PostgreSqlVersion.ToString();
    }

    /// <summary>Waits (in a detached shell) for this process to end, then stops the cluster and deletes its folder.</summary>
    private void StartWatchdog()
    {
        const string script = """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1"; do sleep 1; done
            if [ -f "$2/data/postmaster.pid" ]; then
              if [ "$4" = root ]; then runuser -u postgres -- "$3" -D "$2/data" -m immediate stop; else "$3" -D "$2/data" -m immediate stop; fi
            fi
            rm -rf "$2"
            """;
        var info = new System.Diagnostics.ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var arg in new[] { "sh", "-c", script, "sh", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _root,
                     Path.Combine(_bin, "pg_ctl"), PostgresProcess.IsRoot ? "root" : "user" })
            info.ArgumentList.Add(arg);
        using var watchdog = System.Diagnostics.Process.Start(info);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task StopAndDeleteAsync(string bin, string root, string mode, CancellationToken ct)
    {
        var data = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            await PostgresProcess.TryRunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", mode, "-w", "-t", "60", "stop"],
                asPostgresUser: true, CommandTimeout, ct);
        }
        try
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not ours to delete (another user's cluster): leave it.
        }
    }

    private static async Task RemoveAbandonedAsync(string bin, CancellationToken ct)
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.Combine(root, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), out var pid) || IsAlive(pid)) continue;
            await StopAndDeleteAsync(bin, root, "immediate", ct);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void RequireName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"Database name '{name}' must be 1-63 characters of a-z, 0-9 and _.", nameof(name));
    }
}
