using Microsoft.EntityFrameworkCore;
using QuantScope.Data.Postgres;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;

namespace QuantScope.Data;

/// <summary>
/// EF Core context for runs (and the schema of the metric series, which are written and read in raw SQL).
/// Create one per operation through <see cref="IDbContextFactory{TContext}"/>: Blazor Server circuits share scoped services.
/// The SQLite migrations belong to this type; PostgreSQL's to <see cref="PostgresQuantScopeDbContext"/> (same model).
/// </summary>
public class QuantScopeDbContext : DbContext
{
    public QuantScopeDbContext(DbContextOptions<QuantScopeDbContext> options) : base(options)
    {
    }

    /// <summary>For a subclass that owns another engine's migrations.</summary>
    protected QuantScopeDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<RunEntity> Runs => Set<RunEntity>();

    public DbSet<SeriesEntity> Series => Set<SeriesEntity>();

    public DbSet<ScalarPointEntity> ScalarPoints => Set<ScalarPointEntity>();

    public DbSet<LayerPointEntity> LayerPoints => Set<LayerPointEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(QuantScopeDbContext).Assembly);
}
