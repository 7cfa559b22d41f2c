using System.Data.Common;
using Microsoft.Data.Sqlite;
using QuantScope.Data.Series;

namespace QuantScope.Data.Sqlite;

/// <summary>
/// SQLite: prepared commands row by row inside one <c>BEGIN IMMEDIATE</c> transaction (the write lock is taken up
/// front, so concurrent flushes queue instead of failing), <c>INSERT OR REPLACE</c> for a re-sent step.
/// </summary>
internal sealed class SqliteSeriesDialect(string connectionString) : ISeriesDialect
{
    private const string SelectLayerSql = "SELECT \"values\" FROM layer_points WHERE series_id = @series_id AND step = @step;";
    private const string InsertScalarSql =
        "INSERT OR REPLACE INTO scalar_points (series_id, step, value) VALUES (@series_id, @step, @value);";
    private const string InsertLayerSql =
        "INSERT OR REPLACE INTO layer_points (series_id, step, \"values\") VALUES (@series_id, @step, @values);";

    public string Greatest => "MAX";

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await SqlitePragmas.ApplyPerConnectionAsync(connection, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Microsoft.Data.Sqlite's BeginTransaction() is BEGIN IMMEDIATE (deferred: false).
    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction());

    public Task<Dictionary<(long SeriesId, int Step), float[]>> ReadLayersAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(long SeriesId, int Step)> keys, CancellationToken ct)
    {
        var stored = new Dictionary<(long, int), float[]>();
        using var select = Prepare(connection, transaction, SelectLayerSql, ("@series_id", SqliteType.Integer), ("@step", SqliteType.Integer));
        foreach (var key in keys)
        {
            ct.ThrowIfCancellationRequested();
            select.Parameters[0].Value = key.SeriesId;
            select.Parameters[1].Value = key.Step;
            if (select.ExecuteScalar() is byte[] bytes)
                stored[key] = FloatBlob.Decode(bytes);
        }
        return Task.FromResult(stored);
    }

    public Task WriteScalarsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PointRow<float>> rows, CancellationToken ct)
    {
        using var insert = Prepare(connection, transaction, InsertScalarSql,
            ("@series_id", SqliteType.Integer), ("@step", SqliteType.Integer), ("@value", SqliteType.Real));
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            insert.Parameters[0].Value = row.SeriesId;
            insert.Parameters[1].Value = row.Step;
            // SQLite turns a NaN REAL into NULL anyway; bind it explicitly so the rule is visible: NULL = NaN.
            insert.Parameters[2].Value = float.IsNaN(row.Value) ? DBNull.Value : (double)row.Value;
            insert.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    public Task WriteLayersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PointRow<byte[]>> rows, CancellationToken ct)
    {
        using var insert = Prepare(connection, transaction, InsertLayerSql,
            ("@series_id", SqliteType.Integer), ("@step", SqliteType.Integer), ("@values", SqliteType.Blob));
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            insert.Parameters[0].Value = row.SeriesId;
            insert.Parameters[1].Value = row.Step;
            insert.Parameters[2].Value = row.Value;
            insert.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    private static SqliteCommand Prepare(
        DbConnection connection, DbTransaction transaction, string sql, params (string Name, SqliteType Type)[] parameters)
    {
        var command = ((SqliteConnection)connection).CreateCommand();
        command.Transaction = (SqliteTransaction)transaction;
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
            command.Parameters.Add(name, type);
        command.Prepare();
        return command;
    }
}
