using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace QuantScope.Data.Tests;

/// <summary>
/// The <c>CompactSeries</c> migration: a database written by the previous version (series keyed by run GUID text,
/// metric and role) opens, upgrades and reads back the same points bit for bit; and the new layout's guarantees.
/// </summary>
public sealed class CompactSeriesMigrationTests
{
    private const string Previous = "20261123180725_RunTagsNotes";
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly float NaNPayload = BitConverter.Int32BitsToSingle(0x7FC0_1234);

    [Fact]
    public async Task InitializeDatabaseAsync_DatabaseAtRunTagsNotesWithSeries_ReadsSamePointsBitForBit()
    {
        await using var temp = new TempDatabase();
        var old = await temp.OpenAsync(initialize: false);
        var (first, second) = await CreateOldDatabaseAsync(old);
        await temp.CloseAsync(old);

        var services = await temp.OpenAsync(); // migrates to the latest version
        var series = services.GetRequiredService<MetricSeriesRepository>();

        var loss = await series.ReadScalarAsync(first, MetricCatalog.Loss, Ct);
        Assert.Equal([0, 1, 2], loss.Select(p => p.Step));
        Assert.Equal(1.5f, loss[0].Value);
        Assert.True(float.IsNaN(loss[1].Value)); // NULL = NaN, as before
        Assert.Equal(float.PositiveInfinity, loss[2].Value);
        var heatmap = await series.ReadHeatmapAsync(first, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([0, 1], heatmap.Steps);
        AssertBits([1f, NaNPayload, float.NegativeInfinity], heatmap.Values[0]);
        AssertBits([2f, 3f, float.PositiveInfinity], heatmap.Values[1]);
        AssertBits([7f], (await series.ReadHeatmapAsync(first, MetricCatalog.Amax, TensorRoles.Weight, Ct)).Values.Single());
        Assert.Equal([(0, MetricCatalog.Amax, TensorRoles.Input), (0, MetricCatalog.Amax, TensorRoles.Weight), (1, MetricCatalog.Amax, TensorRoles.Input)],
            (await series.ReadLayerPointsAsync(first, Ct)).Select(p => (p.Step, p.Metric, p.Role)));
        Assert.Equal([new ScalarPoint(4, MetricCatalog.Loss, 9f)], await series.ReadScalarPointsAsync(second, Ct));
        Assert.Equal([new SeriesPoint(4, 8f)], await series.ReadLayerAsync(second, MetricCatalog.Amax, TensorRoles.Input, 1, Ct));
        Assert.Empty(await RowsAsync(services,
            "SELECT name FROM sqlite_schema WHERE name IN ('layer_points_v1', 'scalar_points_v1');", r => r.GetString(0)));
    }

    [Fact]
    public async Task MigrateAsync_UpThenDownToRunTagsNotes_RestoresOldTablesWithTheirPoints()
    {
        await using var temp = new TempDatabase();
        var services = await temp.OpenAsync(initialize: false);
        var (first, second) = await CreateOldDatabaseAsync(services);
        await MigrateAsync(services, null);

        await MigrateAsync(services, Previous);

        var layer = await RowsAsync(services,
            "SELECT run_id, metric, role, step, \"values\" FROM layer_points ORDER BY run_id = $first DESC, role, step;",
            r => (Guid.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetInt32(3), (byte[])r.GetValue(4)), ("$first", first.ToString("D")));
        Assert.Equal([(first, TensorRoles.Input, 0), (first, TensorRoles.Input, 1), (first, TensorRoles.Weight, 0), (second, TensorRoles.Input, 4)],
            layer.Select(p => (p.Item1, p.Item3, p.Item4)));
        AssertBits([1f, NaNPayload, float.NegativeInfinity], FloatBlob.Decode(layer[0].Item5));
        var scalars = await RowsAsync(services, "SELECT COUNT(*) FROM scalar_points;", r => r.GetInt32(0));
        Assert.Equal(4, scalars.Single());
        Assert.Empty(await RowsAsync(services, "SELECT name FROM sqlite_schema WHERE name IN ('series', 'layer_points_v2', 'scalar_points_v2');", r => r.GetString(0)));
    }

    [Fact]
    public async Task InitializeDatabaseAsync_FreshFile_PointTablesAreWithoutRowid()
    {
        await using var temp = new TempDatabase();
        var services = await temp.OpenAsync();

        var sql = await RowsAsync(services,
            "SELECT sql FROM sqlite_schema WHERE name IN ('layer_points', 'scalar_points') ORDER BY name;", r => r.GetString(0));

        Assert.Equal(2, sql.Count);
        Assert.All(sql, s => Assert.EndsWith("WITHOUT ROWID", s.TrimEnd(';', ' ', '\n', '\r'), StringComparison.OrdinalIgnoreCase));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task DeleteFromRuns_ForeignKeysOnly_CascadesToSeriesAndPoints(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [TestRuns.Batch(run.Id, [new(0, MetricCatalog.Loss, 1f)], [new(0, MetricCatalog.Amax, TensorRoles.Input, [1f])])], Ct);

        await RowsAsync(services, "DELETE FROM runs;", _ => 0);

        var left = await RowsAsync(services,
            "SELECT (SELECT COUNT(*) FROM series) + (SELECT COUNT(*) FROM layer_points) + (SELECT COUNT(*) FROM scalar_points);",
            r => r.GetInt32(0));
        Assert.Equal(0, left.Single());
    }

    /// <summary>Migrates to <see cref="Previous"/> and writes two runs' series in that version's layout (raw SQL).</summary>
    private static async Task<(Guid First, Guid Second)> CreateOldDatabaseAsync(IServiceProvider services)
    {
        await MigrateAsync(services, Previous);
        var runs = services.GetRequiredService<RunRepository>();
        var first = TestRuns.New("first");
        var second = TestRuns.New("second");
        await runs.CreateAsync(first, Ct);
        await runs.CreateAsync(second, Ct);
        string a = first.Id.ToString("D"), b = second.Id.ToString("D");
        await InsertAsync(services, "INSERT INTO scalar_points (run_id, metric, step, value) VALUES ($r, $m, $s, $v);",
            [[a, MetricCatalog.Loss, 2, double.PositiveInfinity], [a, MetricCatalog.Loss, 0, 1.5], [a, MetricCatalog.Loss, 1, DBNull.Value], [b, MetricCatalog.Loss, 4, 9.0]]);
        await InsertAsync(services, "INSERT INTO layer_points (run_id, metric, role, step, \"values\") VALUES ($r, $m, $o, $s, $v);",
        [
            [a, MetricCatalog.Amax, TensorRoles.Input, 1, FloatBlob.Encode([2f, 3f, float.PositiveInfinity])],
            [a, MetricCatalog.Amax, TensorRoles.Input, 0, FloatBlob.Encode([1f, NaNPayload, float.NegativeInfinity])],
            [a, MetricCatalog.Amax, TensorRoles.Weight, 0, FloatBlob.Encode([7f])],
            [b, MetricCatalog.Amax, TensorRoles.Input, 4, FloatBlob.Encode([6f, 8f])],
        ]);
        return (first.Id, second.Id);
    }

    private static async Task MigrateAsync(IServiceProvider services, string? target)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<QuantScopeDbContext>>().CreateDbContextAsync(Ct);
        await db.GetService<IMigrator>().MigrateAsync(target, Ct);
    }

    private static async Task InsertAsync(IServiceProvider services, string sql, object[][] rows)
    {
        await using var connection = (SqliteConnection)await services.GetRequiredService<QuantScopeDatabase>().OpenConnectionAsync(Ct);
        var names = System.Text.RegularExpressions.Regex.Matches(sql, @"\$\w+").Select(m => m.Value).ToArray();
        foreach (var row in rows)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < names.Length; i++)
                command.Parameters.AddWithValue(names[i], row[i]);
            await command.ExecuteNonQueryAsync(Ct);
        }
    }

    private static async Task<List<T>> RowsAsync<T>(
        IServiceProvider services, string sql, Func<System.Data.Common.DbDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = await services.GetRequiredService<QuantScopeDatabase>().OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
            rows.Add(read(reader));
        return rows;
    }

    private static void AssertBits(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
