using Microsoft.EntityFrameworkCore;

namespace QuantScope.Data.Postgres;

/// <summary>
/// The same model as <see cref="QuantScopeDbContext"/> on PostgreSQL. A subclass only so that PostgreSQL has its own
/// migrations (in <c>Migrations/Postgres</c>, marked with this type): EF Core finds migrations by context type.
/// Text columns use the "C" collation: byte order and byte equality, as SQLite's BINARY, so both stores sort run ids,
/// metric and role names alike whatever the server's default locale.
/// </summary>
public sealed class PostgresQuantScopeDbContext(DbContextOptions<PostgresQuantScopeDbContext> options) : QuantScopeDbContext(options)
{
    /// <summary>Collation of every text column.</summary>
    public const string TextCollation = "C";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            // Stored type, after any conversion (Guid ids and the enum status are stored as text).
            var stored = property.GetValueConverter()?.ProviderClrType ?? property.GetProviderClrType() ?? property.ClrType;
            if (stored == typeof(string))
                property.SetCollation(TextCollation);
        }
    }
}
