using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace QuantScope.Data.Sqlite;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the context without a host:
/// <c>dotnet ef migrations add NAME --project src/Data --output-dir Migrations</c>. The path is never opened by that command.
/// </summary>
internal sealed class QuantScopeDesignTimeDbContextFactory : IDesignTimeDbContextFactory<QuantScopeDbContext>
{
    public QuantScopeDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<QuantScopeDbContext>();
        QuantScopeDbContextOptions.Configure(builder, new QuantScopeDatabase(Path.Combine(Path.GetTempPath(), "quantscope-design.db")));
        return new QuantScopeDbContext(builder.Options);
    }
}
