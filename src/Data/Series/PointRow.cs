namespace QuantScope.Data.Series;

/// <summary>One point row as it will be stored: at most one per (series, step) in a flush, in key order.</summary>
internal readonly record struct PointRow<T>(long SeriesId, int Step, T Value);
