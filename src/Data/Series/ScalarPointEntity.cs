namespace QuantScope.Data;

/// <summary>
/// One row of <c>scalar_points</c>: a per-step value (loss, lr, ...). Mapped so migrations own the schema;
/// written by <see cref="MetricSeriesWriter"/> and read by <see cref="MetricSeriesRepository"/> in raw SQL.
/// </summary>
public sealed class ScalarPointEntity
{
    public Guid RunId { get; set; }

    public string Metric { get; set; } = "";

    public int Step { get; set; }

    /// <summary>
    /// REAL. Null means NaN: SQLite cannot hold a NaN REAL and stores NULL instead (±Infinity are kept as is).
    /// </summary>
    public double? Value { get; set; }
}
