using Microsoft.EntityFrameworkCore;
using QuantScope.Data.Sqlite;

namespace QuantScope.Data;

/// <summary>The one place the context's provider options are set (runtime and design time alike).</summary>
internal static class QuantScopeDbContextOptions
{
    public static void Configure(DbContextOptionsBuilder builder, QuantScopeDatabase database)
    {
        if (database.Provider == StoreProvider.PostgreSQL)
        {
            builder.UseNpgsql(database.ConnectionString);
            return;
        }
        builder
            .UseSqlite(database.ConnectionString)
            .AddInterceptors(new SqlitePragmaInterceptor());
    }
}
