using System.Data.Common;

namespace QuantScope.Data.Sqlite;

/// <summary>The PRAGMAs QuantScope sets, in one place for EF connections and raw ones.</summary>
internal static class SqlitePragmas
{
    /// <summary>Per-connection settings (not stored in the file): run on every open, pooled or not.</summary>
    public const string PerConnection = "PRAGMA synchronous=NORMAL;";

    /// <summary>Stored in the file once set: readers never block the writer, and the writer never blocks readers.</summary>
    public const string EnableWal = "PRAGMA journal_mode=WAL;";

    public static async Task ApplyPerConnectionAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = PerConnection;
        await command.ExecuteNonQueryAsync(ct);
    }

    public static void ApplyPerConnection(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = PerConnection;
        command.ExecuteNonQuery();
    }

    /// <summary>Switches the file to WAL and returns the journal mode now in force (expected "wal").</summary>
    public static async Task<string> EnableWalAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = EnableWal;
        var mode = await command.ExecuteScalarAsync(ct);
        return Convert.ToString(mode, System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
