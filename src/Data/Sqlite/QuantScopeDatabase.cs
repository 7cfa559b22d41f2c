using Microsoft.Data.Sqlite;

namespace QuantScope.Data;

/// <summary>
/// The SQLite file behind QuantScope: its path, its connection string, and raw connections for the metric-series
/// writer and readers (EF Core is used for runs; series go through prepared <see cref="SqliteCommand"/>s).
/// </summary>
/// <remarks>
/// Connection string: private cache with pooling (the Microsoft.Data.Sqlite default), not <c>Cache=Shared</c>.
/// Shared cache serialises connections on table-level locks ("database table is locked") and defeats WAL's
/// readers-never-block-the-writer; pooling already removes the cost of opening. Foreign keys are switched on for
/// every connection so a series row can never outlive its run.
/// </remarks>
public sealed class QuantScopeDatabase
{
    /// <summary>Creates the description of the database file at <paramref name="path"/> (nothing is opened).</summary>
    public QuantScopeDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <summary>Connection string used by EF Core and the raw connections alike.</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Opens a pooled connection with <c>PRAGMA synchronous=NORMAL</c> (per connection; WAL + FULL nearly doubled
    /// insert time here, and NORMAL in WAL mode loses no committed data on an application crash).
    /// </summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(ConnectionString);
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
}
