using System.Data.Common;

namespace QuantScope.Data.Series;

/// <summary>
/// What the metric-series writer and readers do differently per database engine; everything else (the flush's
/// logic, the queries by name, the blob layout) is shared. SQL parameters are written <c>@name</c>, which both accept.
/// </summary>
internal interface ISeriesDialect
{
    /// <summary>Opens a connection with the engine's per-connection settings.</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins a flush's transaction.</summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>The SQL function returning the larger of two values (<c>MAX</c> in SQLite, <c>GREATEST</c> in PostgreSQL).</summary>
    string Greatest { get; }

    /// <summary>The stored arrays of those layer rows of <paramref name="keys"/> that exist (merge mode).</summary>
    Task<Dictionary<(long SeriesId, int Step), float[]>> ReadLayersAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<(long SeriesId, int Step)> keys, CancellationToken ct);

    /// <summary>Inserts the rows, replacing any stored row with the same key. NaN is stored as NULL.</summary>
    Task WriteScalarsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PointRow<float>> rows, CancellationToken ct);

    /// <summary>Inserts the rows (float32 little-endian blobs), replacing any stored row with the same key.</summary>
    Task WriteLayersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<PointRow<byte[]>> rows, CancellationToken ct);
}
