using Microsoft.Data.Sqlite;

namespace QuantScope.Web.Tests.Support;

/// <summary>The real Data services over a fresh temporary SQLite file, deleted on dispose.</summary>
public sealed class TempQuantScopeData : IAsyncDisposable
{
    private TempQuantScopeData(string path, ServiceProvider services)
    {
        Path = path;
        Services = services;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Provider holding <see cref="RunRepository"/>, <see cref="MetricSeriesWriter"/> and <see cref="MetricSeriesRepository"/>.</summary>
    public ServiceProvider Services { get; }

    public RunRepository Runs => Services.GetRequiredService<RunRepository>();

    public MetricSeriesWriter Writer => Services.GetRequiredService<MetricSeriesWriter>();

    public MetricSeriesRepository Series => Services.GetRequiredService<MetricSeriesRepository>();

    /// <summary>Creates and migrates the database.</summary>
    public static async Task<TempQuantScopeData> CreateAsync()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"quantscope-webtests-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection().AddQuantScopeData(path).BuildServiceProvider();
        await services.InitializeDatabaseAsync(CancellationToken.None);
        return new TempQuantScopeData(path, services);
    }

    /// <summary>Stores an engine run with the given layers and returns its id.</summary>
    public async Task<Guid> CreateRunAsync(params string[] layers)
    {
        var id = Guid.NewGuid();
        await Runs.CreateAsync(new RunEntity
        {
            Id = id,
            Name = "test",
            Kind = RunKinds.Engine,
            ConfigJson = "{}",
            LayersJson = RunLayers.Serialize(layers),
            CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        return id;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
