using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace QuantScope.Data.Postgres;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --project src/Data --context PostgresQuantScopeDbContext --output-dir
/// Migrations/Postgres --namespace QuantScope.Data.Migrations.Postgres</c> build the context without a server (never
/// connected by that command).
/// </summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresQuantScopeDbContext>
{
    public PostgresQuantScopeDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresQuantScopeDbContext>();
        QuantScopeDbContextOptions.Configure(builder, QuantScopeDatabase.ForPostgres("Host=localhost;Database=quantscope_design", "design.db"));
        return new PostgresQuantScopeDbContext(builder.Options);
    }
}
