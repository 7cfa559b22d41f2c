using System.Data;
using System.Data.Common;

namespace QuantScope.Data.Series;

/// <summary>
/// Finds or creates the <c>series</c> row of (run, kind, metric, role) inside the writer's transaction, remembering
/// ids for the rest of that flush only: a cache that outlived the transaction could hand out the id of a series
/// deleted with its run meanwhile. Select-then-insert cannot race: the writer holds the write lock (SQLite, BEGIN
/// IMMEDIATE) or the row lock of the series' run (PostgreSQL), which every writer of that run's series takes first.
/// </summary>
internal sealed class SeriesIdResolver : IDisposable
{
    private const string SelectSql =
        "SELECT id FROM series WHERE run_id = @run_id AND kind = @kind AND metric = @metric AND role = @role;";
    // Never INSERT OR REPLACE here: replacing a series row would cascade-delete its points.
    private const string InsertSql =
        "INSERT INTO series (run_id, kind, metric, role) VALUES (@run_id, @kind, @metric, @role) RETURNING id;";

    private readonly DbCommand _select;
    private readonly DbCommand _insert;
    private readonly Dictionary<(string RunId, string Kind, string Metric, string Role), long> _ids = [];

    public SeriesIdResolver(DbConnection connection, DbTransaction transaction)
    {
        _select = Prepare(connection, transaction, SelectSql);
        _insert = Prepare(connection, transaction, InsertSql);
    }

    /// <summary>The id of the series, created when missing. <paramref name="role"/> is empty for scalar series.</summary>
    public async ValueTask<long> GetOrCreateAsync(string runId, string kind, string metric, string role, CancellationToken ct)
    {
        var key = (runId, kind, metric, role);
        if (_ids.TryGetValue(key, out var id))
            return id;
        id = await ExecuteAsync(_select, key, ct) ?? await ExecuteAsync(_insert, key, ct)
            ?? throw new InvalidOperationException($"Inserting series '{metric}'/{role} of run {runId} returned no id.");
        _ids.Add(key, id);
        return id;
    }

    public void Dispose()
    {
        _select.Dispose();
        _insert.Dispose();
    }

    private static async Task<long?> ExecuteAsync(DbCommand command, (string RunId, string Kind, string Metric, string Role) key, CancellationToken ct)
    {
        command.Parameters[0].Value = key.RunId;
        command.Parameters[1].Value = key.Kind;
        command.Parameters[2].Value = key.Metric;
        command.Parameters[3].Value = key.Role;
        return await command.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in new[] { "@run_id", "@kind", "@metric", "@role" })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = DbType.String;
            command.Parameters.Add(parameter);
        }
        command.Prepare();
        return command;
    }
}
