using System.Data.Common;

namespace QuantScope.Data.Tests.Migrations;

/// <summary>
/// The two migration sets (SQLite's in Migrations, PostgreSQL's in Migrations/Postgres) must leave the same schema:
/// tables, columns and their nullability, primary keys, foreign keys with their delete rule, indexes and uniqueness —
/// read back from each database's own catalog, not from EF's model.
/// </summary>
public sealed class SchemaParityTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string[] Tables = ["runs", "series", "scalar_points", "layer_points"];

    [Theory, PostgresData]
    public async Task InitializeDatabaseAsync_BothEngines_SameColumnsKeysAndIndexes(StoreProvider postgres)
    {
        await using var sqliteStore = TestStores.Create(StoreProvider.Sqlite);
        await using var postgresStore = TestStores.Create(postgres);
        var sqlite = await sqliteStore.OpenAsync();
        var pg = await postgresStore.OpenAsync();

        var keys = new Dictionary<string, List<string>>();
        foreach (var table in Tables)
        {
            var columns = await SqliteColumnsAsync(sqlite, table);
            Assert.NotEmpty(columns);
            Assert.Equal(columns, await PostgresColumnsAsync(pg, table));
            keys[table] = await SqliteKeysAsync(sqlite, table);
            Assert.Equal(keys[table], await PostgresKeysAsync(pg, table));
        }
        // The comparison reads what it should (a query returning nothing on both sides would pass too).
        Assert.Equal(["fk series_id>series.id CASCADE", "pk series_id,step"], keys["layer_points"]);
        Assert.Contains("ix ux_series_name 1 run_id,kind,metric,role", keys["series"]);
    }

    [Theory, PostgresData]
    public async Task InitializeDatabaseAsync_Postgres_EveryTextColumnCollatesAsC(StoreProvider postgres)
    {
        await using var store = TestStores.Create(postgres);
        var services = await store.OpenAsync();

        var collations = await RowsAsync(services,
            "SELECT table_name || '.' || column_name || '=' || coalesce(collation_name, '-') FROM information_schema.columns " +
            "WHERE table_schema = 'public' AND data_type = 'text' AND table_name <> '__EFMigrationsHistory' ORDER BY 1;", r => r.GetString(0));

        Assert.NotEmpty(collations);
        Assert.All(collations, c => Assert.EndsWith("=C", c, StringComparison.Ordinal));
    }

    /// <summary>"name notnull" per column, by name.</summary>
    private static Task<List<string>> SqliteColumnsAsync(IServiceProvider s, string table) => RowsAsync(s,
        $"SELECT name || ' ' || (\"notnull\" OR pk) FROM pragma_table_info('{table}') ORDER BY name;", r => r.GetString(0));

    private static Task<List<string>> PostgresColumnsAsync(IServiceProvider s, string table) => RowsAsync(s,
        "SELECT column_name || ' ' || CASE is_nullable WHEN 'NO' THEN 1 ELSE 0 END FROM information_schema.columns " +
        $"WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY column_name COLLATE \"C\";", r => r.GetString(0));

    /// <summary>Primary key, foreign keys (column > table.column on delete rule) and indexes (unique or not, columns).</summary>
    private static Task<List<string>> SqliteKeysAsync(IServiceProvider s, string table) => RowsAsync(s, $"""
        SELECT 'pk ' || group_concat(name, ',') FROM (SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk)
        UNION ALL
        SELECT 'fk ' || "from" || '>' || "table" || '.' || "to" || ' ' || on_delete FROM pragma_foreign_key_list('{table}')
        UNION ALL
        SELECT 'ix ' || il.name || ' ' || il."unique" || ' ' || (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno))
        FROM pragma_index_list('{table}') AS il WHERE il.origin = 'c'
        ORDER BY 1;
        """, r => r.GetString(0));

    private static Task<List<string>> PostgresKeysAsync(IServiceProvider s, string table) => RowsAsync(s, $"""
        SELECT x FROM (
        SELECT 'pk ' || string_agg(a.attname, ',' ORDER BY k.n)
        FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = '{table}'::regclass AND i.indisprimary
        UNION ALL
        SELECT 'fk ' || kcu.column_name || '>' || ccu.table_name || '.' || ccu.column_name || ' ' || rc.delete_rule
        FROM information_schema.referential_constraints rc
        JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name
        JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = rc.unique_constraint_name
        WHERE kcu.table_name = '{table}'
        UNION ALL
        SELECT 'ix ' || c.relname || ' ' || CASE WHEN i.indisunique THEN 1 ELSE 0 END || ' ' || string_agg(a.attname, ',' ORDER BY k.n)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = '{table}'::regclass AND NOT i.indisprimary
        GROUP BY c.relname, i.indisunique
        ) AS u(x) ORDER BY x COLLATE "C";
        """, r => r.GetString(0));

    private static async Task<List<string>> RowsAsync(IServiceProvider services, string sql, Func<DbDataReader, string> read)
    {
        await using var connection = await services.GetRequiredService<QuantScopeDatabase>().OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
            rows.Add(read(reader));
        return rows;
    }
}
