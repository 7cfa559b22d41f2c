using Microsoft.Data.Sqlite;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>
/// Two dashboard hosts (A and B) on one SQLite file and one throw-away Redis, everything on loopback, each listening
/// to the other through the live bridge before any test starts. Empty (no hosts) when Redis is missing and its tests
/// are switched off.
/// </summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    /// <summary>
    /// Run lease of the test hosts, seconds: short, so sweeps run during every test (a live run wrongly judged dead
    /// would fail them) and a dead host's run is found in seconds.
    /// </summary>
    public const double RunLeaseSeconds = 4;

    /// <summary>The shared database file.</summary>
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"quantscope-cluster-{Guid.NewGuid():N}.db");

    /// <summary>The hosts' channel prefix (one per cluster: test classes sharing a Redis would see each other's runs).</summary>
    public string ChannelPrefix { get; } = $"quantscope-test-{Guid.NewGuid():N}";

    /// <summary>The Redis server.</summary>
    public RedisServer Redis { get; } = new();

    /// <summary>The first host (the tests feed runs through it).</summary>
    public DashboardHost A { get; private set; } = default!;

    /// <summary>The second host (the tests watch through it).</summary>
    public DashboardHost B { get; private set; } = default!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (!Redis.Available) return;
        A = AddHost();
        B = AddHost();
        await Task.WhenAll(A.Bridge.Subscribed, B.Bridge.Subscribed).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Starts one more host of this cluster (the caller disposes it).</summary>
    public DashboardHost AddHost() => new(DatabasePath, Redis.ConnectionString, ChannelPrefix, RunLeaseSeconds);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        Redis.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
