using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using QuantScope.Data.Series;

namespace QuantScope.Data.Postgres;

/// <summary>
/// PostgreSQL: a flush's points go to the server by binary COPY into a temporary staging table, then one
/// <c>INSERT ... ON CONFLICT (series_id, step) DO UPDATE</c> moves them into the point table, replacing a re-sent step
/// as SQLite's <c>INSERT OR REPLACE</c> does. The writer hands over at most one row per key (ON CONFLICT DO UPDATE
/// refuses to touch a row twice in one statement). Concurrent flushes are serialised per run by the row lock the
/// writer's <c>UPDATE runs</c> takes first (READ COMMITTED), which is all SQLite's database-wide write lock gave.
/// </summary>
internal sealed class PostgresSeriesDialect(string connectionString) : ISeriesDialect
{
    // ON COMMIT DROP: pooled sessions keep temp tables, and Npgsql's reset on return (DISCARD ALL) would drop them anyway.
    private const string CreateScalarStage =
        "CREATE TEMP TABLE scalar_stage (series_id bigint NOT NULL, step integer NOT NULL, value double precision) ON COMMIT DROP;";
    private const string CreateLayerStage =
        "CREATE TEMP TABLE layer_stage (series_id bigint NOT NULL, step integer NOT NULL, \"values\" bytea NOT NULL) ON COMMIT DROP;";
    private const string CopyScalars = "COPY scalar_stage (series_id, step, value) FROM STDIN (FORMAT BINARY);";
    private const string CopyLayers = "COPY layer_stage (series_id, step, \"values\") FROM STDIN (FORMAT BINARY);";
    private const string UpsertScalars =
        "INSERT INTO scalar_points (series_id, step, value) SELECT series_id, step, value FROM scalar_stage " +
        "ON CONFLICT (series_id, step) DO UPDATE SET value = EXCLUDED.value;";
    private const string UpsertLayers =
        "INSERT INTO layer_points (series_id, step, \"values\") SELECT series_id, step, \"values\" FROM layer_stage " +
        "ON CONFLICT (series_id, step) DO UPDATE SET \"values\" = EXCLUDED.\"values\";";
    private const string SelectLayers =
        "SELECT p.series_id, p.step, p.\"values\" FROM layer_points AS p " +
        "JOIN unnest(@series_ids, @steps) AS k (series_id, step) ON p.series_id = k.series_id AND p.step = k.step;";

    public string Greatest => "GREATEST";

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);

    public async Task<Dictionary<(long SeriesId, int Step), float[]>> ReadLayersAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(long SeriesId, int Step)> keys, CancellationToken ct)
    {
        var stored = new Dictionary<(long, int), float[]>();
        if (keys.Count == 0) return stored;
        await using var select = new NpgsqlCommand(SelectLayers, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        select.Parameters.Add(new NpgsqlParameter<long[]>("series_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. keys.Select(k => k.SeriesId)] });
        select.Parameters.Add(new NpgsqlParameter<int[]>("steps", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. keys.Select(k => k.Step)] });
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            stored[(reader.GetInt64(0), reader.GetInt32(1))] = FloatBlob.Decode(reader.GetFieldValue<byte[]>(2));
        return stored;
    }

    public async Task WriteScalarsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PointRow<float>> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var npgsql = (NpgsqlConnection)connection;
        await ExecuteAsync(npgsql, transaction, CreateScalarStage, ct);
        await using (var copy = await npgsql.BeginBinaryImportAsync(CopyScalars, ct))
        {
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                // Synchronous writes fill Npgsql's buffer; they only block when it is sent, like the async form would wait.
                copy.StartRow();
                copy.Write(row.SeriesId, NpgsqlDbType.Bigint);
                copy.Write(row.Step, NpgsqlDbType.Integer);
                // NULL = NaN, as in SQLite (which cannot store a NaN REAL), so both stores read back the same.
                if (float.IsNaN(row.Value)) copy.WriteNull();
                else copy.Write((double)row.Value, NpgsqlDbType.Double);
            }
            await copy.CompleteAsync(ct);
        }
        await ExecuteAsync(npgsql, transaction, UpsertScalars, ct);
    }

    public async Task WriteLayersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PointRow<byte[]>> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var npgsql = (NpgsqlConnection)connection;
        await ExecuteAsync(npgsql, transaction, CreateLayerStage, ct);
        await using (var copy = await npgsql.BeginBinaryImportAsync(CopyLayers, ct))
        {
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                copy.StartRow();
                copy.Write(row.SeriesId, NpgsqlDbType.Bigint);
                copy.Write(row.Step, NpgsqlDbType.Integer);
                copy.Write(row.Value, NpgsqlDbType.Bytea);
            }
            await copy.CompleteAsync(ct);
        }
        await ExecuteAsync(npgsql, transaction, UpsertLayers, ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, (NpgsqlTransaction)transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
