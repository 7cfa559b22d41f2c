using Microsoft.Data.Sqlite;

namespace QuantScope.Web.Tests.Cluster.Redis;

/// <summary>
/// Two dashboard hosts (A and B) on one SQLite file and one throw-away Redis, everything on loopback, each listening
/// to the other through the live bridge before any test starts. Empty (no hosts) when Redis is missing and its tests
/// are switched off.
/// </summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"quantscope-cluster-{Guid.NewGuid():N}.db");

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
        // One prefix per cluster: test classes sharing a Redis would otherwise see each other's runs.
        var prefix = $"quantscope-test-{Guid.NewGuid():N}";
        A = new DashboardHost(_databasePath, Redis.ConnectionString, prefix);
        B = new DashboardHost(_databasePath, Redis.ConnectionString, prefix);
        await Task.WhenAll(A.Bridge.Subscribed, B.Bridge.Subscribed).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        Redis.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
