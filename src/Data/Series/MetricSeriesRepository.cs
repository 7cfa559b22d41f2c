using System.Data.Common;
using QuantScope.Data.Sqlite;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Series;

/// <summary>
/// Reads metric series in raw SQL: the series is looked up by name in <c>series</c> (unique index), then its points
/// are one range scan of the point table's key (series_id, step). Reads never wait for the writer (SQLite in WAL mode;
/// PostgreSQL's MVCC) and see the last committed flush. Steps ascend in every result; the same SQL serves both engines.
/// </summary>
public sealed class MetricSeriesRepository(QuantScopeDatabase database)
{
    // Scalar subqueries, evaluated once per read: no row (an unknown series) makes the id NULL and the read empty.
    private const string ScalarSeriesId =
        $"(SELECT id FROM series WHERE run_id = @run_id AND kind = '{SeriesKinds.Scalar}' AND metric = @metric AND role = '')";
    private const string LayerSeriesId =
        $"(SELECT id FROM series WHERE run_id = @run_id AND kind = '{SeriesKinds.Layer}' AND metric = @metric AND role = @role)";

    /// <summary>A scalar series (loss, lr, ...). NaN values come back as NaN.</summary>
    public async Task<IReadOnlyList<SeriesPoint>> ReadScalarAsync(Guid runId, string metric, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            $"SELECT step, value FROM scalar_points WHERE series_id = {ScalarSeriesId} ORDER BY step;",
            ("@run_id", DbValues.Key(runId)), ("@metric", metric));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var points = new List<SeriesPoint>();
        while (await reader.ReadAsync(ct))
            points.Add(new SeriesPoint(reader.GetInt32(0), ReadScalar(reader, 1)));
        return points;
    }

    /// <summary>
    /// One layer's series of a per-layer metric. Only that layer's 4 bytes are read from each row (<c>substr</c> on
    /// the blob, in SQLite and PostgreSQL alike); steps whose array does not reach <paramref name="layerIndex"/> are skipped.
    /// </summary>
    public async Task<IReadOnlyList<SeriesPoint>> ReadLayerAsync(
        Guid runId, string metric, string role, int layerIndex, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        ArgumentNullException.ThrowIfNull(role);
        ArgumentOutOfRangeException.ThrowIfNegative(layerIndex);
        var offset = (long)layerIndex * FloatBlob.BytesPerValue + 1; // substr is 1-based
        if (offset > int.MaxValue) return []; // no stored array is 2 GB long
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            $"SELECT step, substr(\"values\", @offset, 4) FROM layer_points WHERE series_id = {LayerSeriesId} ORDER BY step;",
            ("@run_id", DbValues.Key(runId)), ("@metric", metric), ("@role", role),
            ("@offset", (int)offset)); // int: PostgreSQL's substr(bytea, integer, integer) takes no bigint
        await using var reader = await command.ExecuteReaderAsync(ct);
        var points = new List<SeriesPoint>();
        while (await reader.ReadAsync(ct))
        {
            var bytes = ReadBlob(reader, 1);
            if (bytes.Length == FloatBlob.BytesPerValue)
                points.Add(new SeriesPoint(reader.GetInt32(0), FloatBlob.Decode(bytes)[0]));
        }
        return points;
    }

    /// <summary>A per-layer metric of one tensor role over all steps, in one query.</summary>
    public async Task<Heatmap> ReadHeatmapAsync(Guid runId, string metric, string role, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(metric);
        ArgumentNullException.ThrowIfNull(role);
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            $"SELECT step, \"values\" FROM layer_points WHERE series_id = {LayerSeriesId} ORDER BY step;",
            ("@run_id", DbValues.Key(runId)), ("@metric", metric), ("@role", role));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var steps = new List<int>();
        var values = new List<float[]>();
        while (await reader.ReadAsync(ct))
        {
            steps.Add(reader.GetInt32(0));
            values.Add(FloatBlob.Decode(ReadBlob(reader, 1)));
        }
        return steps.Count == 0 ? Heatmap.Empty : new Heatmap([.. steps], [.. values]);
    }

    /// <summary>The per-layer metrics a run recorded, each with its tensor role, by metric then role (one read of the series index, no points).</summary>
    public async Task<IReadOnlyList<(string Metric, string Role)>> ReadLayerMetricNamesAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            $"SELECT metric, role FROM series WHERE run_id = @run_id AND kind = '{SeriesKinds.Layer}' ORDER BY metric, role;",
            ("@run_id", DbValues.Key(runId)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new List<(string, string)>();
        while (await reader.ReadAsync(ct)) names.Add((reader.GetString(0), reader.GetString(1)));
        return names;
    }

    /// <summary>Every scalar point of a run, by step then metric (a page loading history).</summary>
    public async Task<IReadOnlyList<ScalarPoint>> ReadScalarPointsAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            "SELECT p.step, s.metric, p.value FROM series AS s JOIN scalar_points AS p ON p.series_id = s.id " +
            $"WHERE s.run_id = @run_id AND s.kind = '{SeriesKinds.Scalar}' ORDER BY p.step, s.metric;",
            ("@run_id", DbValues.Key(runId)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var points = new List<ScalarPoint>();
        while (await reader.ReadAsync(ct))
            points.Add(new ScalarPoint(reader.GetInt32(0), reader.GetString(1), ReadScalar(reader, 2)));
        return points;
    }

    /// <summary>Every layer point of a run, by step then metric then role (a page loading history).</summary>
    public async Task<IReadOnlyList<LayerPoint>> ReadLayerPointsAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection,
            "SELECT p.step, s.metric, s.role, p.\"values\" FROM series AS s JOIN layer_points AS p ON p.series_id = s.id " +
            $"WHERE s.run_id = @run_id AND s.kind = '{SeriesKinds.Layer}' ORDER BY p.step, s.metric, s.role;",
            ("@run_id", DbValues.Key(runId)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var points = new List<LayerPoint>();
        while (await reader.ReadAsync(ct))
        {
            points.Add(new LayerPoint(
                reader.GetInt32(0), reader.GetString(1), reader.GetString(2), FloatBlob.Decode(ReadBlob(reader, 3))));
        }
        return points;
    }

    /// <summary>NULL in <c>value</c> is how SQLite stores a NaN REAL (and the writer stores NaN so in PostgreSQL too).</summary>
    private static float ReadScalar(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? float.NaN : (float)reader.GetDouble(ordinal);

    /// <summary>A zero-length blob (no layers, or <c>substr</c> past the end) may read back as NULL.</summary>
    private static byte[] ReadBlob(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : reader.GetFieldValue<byte[]>(ordinal);

    /// <summary>Parameter types follow the CLR values (string = TEXT/text, int = INTEGER/integer).</summary>
    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
