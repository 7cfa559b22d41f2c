using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Tests.Shared;
using QuantScope.Bench.Shared;

namespace QuantScope.Bench.Store;

/// <summary>
/// The metric store's targets, measured on a temporary database: values written per second (batched; SQLite in WAL
/// with synchronous=NORMAL, PostgreSQL with its durable defaults), a 48-layer × 10,000-step heatmap read, bytes on disk
/// per stored value, and a min/max downsampled read of a 10,000-step series. <see cref="CompareAsync"/> measures
/// SQLite and a throwaway local PostgreSQL server in one run.
/// </summary>
public static class StoreBench
{
    /// <summary>What one measurement found.</summary>
    /// <param name="Values">Values written.</param>
    /// <param name="ValuesPerSecond">Write throughput.</param>
    /// <param name="HeatmapMillis">Median time to read the 48 × 10,000 heatmap.</param>
    /// <param name="BytesPerValue">Stored bytes (SQLite: file after a WAL checkpoint; PostgreSQL: the four tables with
    /// their indexes and TOAST) / values written.</param>
    /// <param name="DownsampleMillis">Median time to read a 10,000-step scalar series and reduce it to 500 points.</param>
    public sealed record Result(long Values, double ValuesPerSecond, double HeatmapMillis, double BytesPerValue, double DownsampleMillis);

    /// <summary>Both stores measured in one run; <paramref name="Postgres"/> is null when no server could be started
    /// (<paramref name="PostgresError"/> says why).</summary>
    public sealed record Comparison(Result Sqlite, Result? Postgres, string? PostgresVersion, string? PostgresError);

    /// <summary>Layers of the benchmark run.</summary>
    public const int Layers = 48;

    /// <summary>Steps of the benchmark run.</summary>
    public const int Steps = 10_000;

    /// <summary>Runs the SQLite measurement (a few seconds); <paramref name="metrics"/> per-layer series of Layers × Steps values each.</summary>
    public static async Task<Result> RunAsync(int metrics, Action<string> status, CancellationToken ct)
    {
        var path = Path.Combine(Path.GetTempPath(), $"quantscope-storebench-{Guid.NewGuid():N}.db");
        try
        {
            await using var services = new ServiceCollection().AddQuantScopeData(path).BuildServiceProvider();
            return await MeasureAsync(services, metrics, status, () => SqliteSizeAsync(services.GetRequiredService<QuantScopeDatabase>(), path, ct), ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                if (File.Exists(file)) File.Delete(file);
        }
    }

    /// <summary>
    /// The same measurement on SQLite, then on a throwaway PostgreSQL cluster on 127.0.0.1 (started and removed here,
    /// durable settings), the same batches for both.
    /// </summary>
    public static async Task<Comparison> CompareAsync(int metrics, Action<string> status, CancellationToken ct)
    {
        var sqlite = await RunAsync(metrics, status, ct);
        status("PostgreSQL: starting a local server");
        LocalPostgresServer server;
        try
        {
            server = await LocalPostgresServer.StartAsync(durable: true, ct);
        }
        catch (InvalidOperationException ex)
        {
            return new Comparison(sqlite, null, null, ex.Message);
        }

        await using (server)
        {
            var connection = await server.CreateDatabaseAsync("storebench", ct);
            var dataPath = Path.Combine(Path.GetTempPath(), $"quantscope-storebench-{Guid.NewGuid():N}", "pg.db");
            try
            {
                await using var services = new ServiceCollection()
                    .AddQuantScopeData(QuantScopeDatabase.ForPostgres(connection, dataPath)).BuildServiceProvider();
                var postgres = await MeasureAsync(services, metrics, status, () => PostgresSizeAsync(services.GetRequiredService<QuantScopeDatabase>(), ct), ct);
                return new Comparison(sqlite, postgres, server.Version, null);
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(dataPath)!, recursive: true);
            }
        }
    }

    private static async Task<Result> MeasureAsync(ServiceProvider services, int metrics, Action<string> status, Func<Task<long>> size, CancellationToken ct)
    {
        await services.InitializeDatabaseAsync(ct);
        var runs = services.GetRequiredService<RunRepository>();
        var id = Guid.NewGuid();
        var layers = Enumerable.Range(0, Layers).Select(l => $"model.layers.{l / 7}.proj{l % 7}").ToArray();
        await runs.CreateAsync(new RunEntity
        {
            Id = id, Name = "store-bench", Kind = RunKinds.External, Status = RunStatus.Completed, ConfigJson = "{}",
            LayersJson = RunLayers.Serialize(layers), CreatedAt = DateTime.UtcNow,
        }, ct);

        status("Store: writing");
        var writer = services.GetRequiredService<MetricSeriesWriter>();
        var names = Enumerable.Range(0, metrics).Select(m => $"bench{m}").ToArray();
        // The batches are made before the clock starts: the figure is the store's, not the random generator's.
        var (batches, values) = MakeBatches(id, names);
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
            await writer.WriteAsync([batch], ct);
        var writeSeconds = watch.Elapsed.TotalSeconds;
        status("Store: reading");
        var series = services.GetRequiredService<MetricSeriesRepository>();
        var heatmap = BenchMath.Median(await TimeAsync(5, () => series.ReadHeatmapAsync(id, names[0], TensorRoles.Input, ct)));
        var downsample = BenchMath.Median(await TimeAsync(5, async () => SeriesDownsampler.MinMax(await series.ReadScalarAsync(id, MetricCatalog.Loss, ct), 500)));
        var bytes = await size();
        return new Result(values, values / writeSeconds, heatmap, (double)bytes / values, downsample);
    }

    private static (List<MetricBatch> Batches, long Values) MakeBatches(Guid id, string[] names)
    {
        var random = new Random(1);
        var batches = new List<MetricBatch>();
        long values = 0;
        const int StepsPerBatch = 500; // one flush = one transaction, as the persistence service batches
        for (var start = 0; start < Steps; start += StepsPerBatch)
        {
            var points = new List<LayerPoint>();
            var scalars = new List<ScalarPoint>();
            for (var step = start; step < start + StepsPerBatch; step++)
            {
                scalars.Add(new ScalarPoint(step, MetricCatalog.Loss, (float)random.NextDouble()));
                foreach (var name in names)
                    points.Add(new LayerPoint(step, name, TensorRoles.Input, [.. Enumerable.Range(0, Layers).Select(_ => (float)random.NextDouble())]));
            }

            batches.Add(new MetricBatch(id, scalars, points));
            values += scalars.Count + (long)points.Count * Layers;
        }
        return (batches, values);
    }

    private static async Task<List<double>> TimeAsync<T>(int reps, Func<Task<T>> read)
    {
        var times = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var watch = Stopwatch.StartNew();
            await read();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    private static async Task<long> SqliteSizeAsync(QuantScopeDatabase database, string path, CancellationToken ct)
    {
        await ScalarAsync(database, "PRAGMA wal_checkpoint(TRUNCATE);", ct);
        return new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);
    }

    private static async Task<long> PostgresSizeAsync(QuantScopeDatabase database, CancellationToken ct) =>
        Convert.ToInt64(await ScalarAsync(database,
            "SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['runs', 'series', 'scalar_points', 'layer_points']::regclass[]) AS c;", ct),
            System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(QuantScopeDatabase database, string sql, CancellationToken ct)
    {
        await using DbConnection connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }
}
