using Microsoft.Data.Sqlite;

namespace QuantScope.Data;

/// <summary>
/// Finds or creates the <c>series</c> row of (run, kind, metric, role) inside the writer's transaction, remembering
/// ids for the rest of that flush only: a cache that outlived the transaction could hand out the id of a series
/// deleted with its run meanwhile. The write lock is held (BEGIN IMMEDIATE), so select-then-insert cannot race.
/// </summary>
internal sealed class SeriesIdResolver : IDisposable
{
    private const string SelectSql =
        "SELECT id FROM series WHERE run_id = $run_id AND kind = $kind AND metric = $metric AND role = $role;";
    // Never INSERT OR REPLACE here: replacing a series row would cascade-delete its points.
    private const string InsertSql =
        "INSERT INTO series (run_id, kind, metric, role) VALUES ($run_id, $kind, $metric, $role) RETURNING id;";

    private readonly SqliteCommand _select;
    private readonly SqliteCommand _insert;
    private readonly Dictionary<(string RunId, string Kind, string Metric, string Role), long> _ids = [];

    public SeriesIdResolver(SqliteConnection connection, SqliteTransaction transaction)
    {
        _select = Prepare(connection, transaction, SelectSql);
        _insert = Prepare(connection, transaction, InsertSql);
    }

    /// <summary>The id of the series, created when missing. <paramref name="role"/> is empty for scalar series.</summary>
    public long GetOrCreate(string runId, string kind, string metric, string role)
    {
        var key = (runId, kind, metric, role);
        if (_ids.TryGetValue(key, out var id))
            return id;
        id = Execute(_select, key) ?? Execute(_insert, key)
            ?? throw new InvalidOperationException($"Inserting series '{metric}'/{role} of run {runId} returned no id.");
        _ids.Add(key, id);
        return id;
    }

    public void Dispose()
    {
        _select.Dispose();
        _insert.Dispose();
    }

    private static long? Execute(SqliteCommand command, (string RunId, string Kind, string Metric, string Role) key)
    {
        command.Parameters[0].Value = key.RunId;
        command.Parameters[1].Value = key.Kind;
        command.Parameters[2].Value = key.Metric;
        command.Parameters[3].Value = key.Role;
        return command.ExecuteScalar() is long id ? id : null;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.Add("$run_id", SqliteType.Text);
        command.Parameters.Add("$kind", SqliteType.Text);
        command.Parameters.Add("$metric", SqliteType.Text);
        command.Parameters.Add("$role", SqliteType.Text);
        command.Prepare();
        return command;
    }
}
