using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using QuantScope.Data.Postgres;
using QuantScope.Data.Series;
using QuantScope.Data.Sqlite;

namespace QuantScope.Data;

/// <summary>
/// The database behind QuantScope: which engine (<see cref="Provider"/>), its connection string, and raw connections
/// for the metric-series writer and readers (EF Core is used for runs; series go through raw commands).
/// </summary>
/// <remarks>
/// SQLite connection string: private cache with pooling (the Microsoft.Data.Sqlite default), not <c>Cache=Shared</c>.
/// Shared cache serialises connections on table-level locks ("database table is locked") and defeats WAL's
/// readers-never-block-the-writer; pooling already removes the cost of opening. Foreign keys are switched on for
/// every connection so a series row can never outlive its run. PostgreSQL enforces foreign keys always.
/// </remarks>
public sealed class QuantScopeDatabase
{
    /// <summary>Creates the description of the SQLite file at <paramref name="path"/> (nothing is opened).</summary>
    public QuantScopeDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Provider = StoreProvider.Sqlite;
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();
        Dialect = new SqliteSeriesDialect(ConnectionString);
    }

    private QuantScopeDatabase(string connectionString, string dataPath)
    {
        Provider = StoreProvider.PostgreSQL;
        Path = System.IO.Path.GetFullPath(dataPath);
        ConnectionString = connectionString;
        Dialect = new PostgresSeriesDialect(ConnectionString);
    }

    /// <summary>
    /// Describes a PostgreSQL database (nothing is opened). <paramref name="dataPath"/> plays the part of the SQLite
    /// file's path for the files QuantScope keeps beside its database (checkpoints, uploads): they go to its folder.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty or malformed, or names no database.</exception>
    public static QuantScopeDatabase ForPostgres(string connectionString, string dataPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);
        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"The PostgreSQL connection string is malformed: {ex.Message}", nameof(connectionString), ex);
        }
        if (string.IsNullOrWhiteSpace(parsed.Host))
            throw new ArgumentException("The PostgreSQL connection string names no Host.", nameof(connectionString));
        if (string.IsNullOrWhiteSpace(parsed.Database))
            throw new ArgumentException("The PostgreSQL connection string names no Database.", nameof(connectionString));
        return new QuantScopeDatabase(connectionString, dataPath);
    }

    /// <summary>SQLite (a file) or PostgreSQL (a server).</summary>
    public StoreProvider Provider { get; }

    /// <summary>
    /// SQLite: full path of the database file. PostgreSQL: the configured data path; no file is made there, but its
    /// folder holds what QuantScope keeps beside the database (checkpoints, uploads) under either engine.
    /// </summary>
    public string Path { get; }

    /// <summary>Connection string used by EF Core and the raw connections alike.</summary>
    public string ConnectionString { get; }

    internal ISeriesDialect Dialect { get; }

    /// <summary>
    /// Opens a pooled connection: a <see cref="SqliteConnection"/> with <c>PRAGMA synchronous=NORMAL</c> (per
    /// connection; WAL + FULL nearly doubled insert time here, and NORMAL in WAL mode loses no committed data on an
    /// application crash), or an <see cref="NpgsqlConnection"/>.
    /// </summary>
    public Task<DbConnection> OpenConnectionAsync(CancellationToken ct) => Dialect.OpenAsync(ct);
}
