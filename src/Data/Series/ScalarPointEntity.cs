namespace QuantScope.Data.Series;

/// <summary>
/// One row of <c>scalar_points</c>: a per-step value (loss, lr, ...) of a series of kind <see cref="SeriesKinds.Scalar"/>.
/// Mapped so migrations own the schema; written by <see cref="MetricSeriesWriter"/> and read by
/// <see cref="MetricSeriesRepository"/> in raw SQL.
/// </summary>
public sealed class ScalarPointEntity
{
    public long SeriesId { get; set; }

    public int Step { get; set; }

    /// <summary>
    /// REAL. Null means NaN: SQLite cannot hold a NaN REAL and stores NULL instead (±Infinity are kept as is).
    /// </summary>
    public double? Value { get; set; }
}
