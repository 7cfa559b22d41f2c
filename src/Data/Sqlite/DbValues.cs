using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace QuantScope.Data.Sqlite;

/// <summary>
/// How .NET values are stored, shared by the EF mappings and the raw SQL so both agree byte for byte.
/// </summary>
internal static class DbValues
{
    /// <summary>Run ids are TEXT in the lower-case "D" format (the form users see in URLs).</summary>
    public static string Key(Guid id) => id.ToString("D");

    public static readonly ValueConverter<Guid, string> GuidAsText =
        new(v => v.ToString("D"), v => Guid.Parse(v));

    /// <summary>
    /// DateTimes are stored as UTC (SQLite TEXT, which orders correctly; DateTimeOffset would not; PostgreSQL
    /// timestamptz, microseconds) and come back with <see cref="DateTimeKind.Utc"/>. An Unspecified kind is taken as UTC
    /// already and marked so (Npgsql refuses to write an Unspecified DateTime to timestamptz).
    /// </summary>
    public static readonly ValueConverter<DateTime, DateTime> Utc =
        new(v => ToUtc(v), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    public static readonly ValueConverter<DateTime?, DateTime?> NullableUtc =
        new(
            v => v.HasValue ? ToUtc(v.Value) : v,
            v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);

    private static DateTime ToUtc(DateTime v) =>
        v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc);
}
