using Microsoft.Data.Sqlite;
using Npgsql;

namespace QuantScope.Web.Reliability;

/// <summary>
/// Tells storage faults that may pass (retry, keep the points) from errors that will not (a deleted run, a malformed
/// batch: retrying cannot help), and names them for humans.
/// </summary>
public static class StorageFaults
{
    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Full = 13, CantOpen = 14;

    /// <summary>True for "database is locked/busy", "disk full", I/O and open errors: the write may succeed later.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        SqliteException s => (s.SqliteErrorCode & 0xFF) is Busy or Locked or ReadOnly or IoError or Full or CantOpen,
        // Npgsql's own verdict (network, timeouts, server shutting down, ...) plus serialization failure, deadlock and
        // class 53 (insufficient resources: disk full, out of memory, too many connections).
        PostgresException p => p.IsTransient || p.SqlState is "40001" or "40P01" || p.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is { } inner && IsTransient(inner),
        IOException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner), // EF wraps SQLite's error (DbUpdateException)
    };

    /// <summary>A short sentence naming the fault, e.g. "the database is full (SQLITE_FULL)".</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SqliteException s => (s.SqliteErrorCode & 0xFF) switch
        {
            Busy or Locked => "the database is locked by another connection (SQLITE_BUSY)",
            Full => "the database or disk is full (SQLITE_FULL)",
            IoError => "the disk reported an I/O error (SQLITE_IOERR)",
            ReadOnly => "the database is read-only (SQLITE_READONLY)",
            CantOpen => "the database file cannot be opened (SQLITE_CANTOPEN)",
            _ => $"SQLite error {s.SqliteErrorCode}: {s.Message}",
        },
        PostgresException p => p.SqlState switch
        {
            "53100" => "the PostgreSQL server's disk is full (53100)",
            "53300" => "the PostgreSQL server has too many connections (53300)",
            "40001" or "40P01" => $"PostgreSQL aborted the transaction to resolve a conflict ({p.SqlState})",
            _ => $"PostgreSQL error {p.SqlState}: {p.MessageText}",
        },
        NpgsqlException n => $"the PostgreSQL server cannot be reached or failed ({n.Message})",
        _ => ex.InnerException is { } inner ? Describe(inner) : ex.Message,
    };
}
