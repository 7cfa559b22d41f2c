using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data.Postgres;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Data.Sqlite;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data;

/// <summary>
/// Wires QuantScope's store into a host: <c>services.AddQuantScopeData(path)</c> (SQLite) or
/// <c>services.AddQuantScopeData(QuantScopeDatabase.ForPostgres(...))</c>, then <c>app.Services.InitializeDatabaseAsync(ct)</c>.
/// </summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>Error recorded on runs found active when the server starts.</summary>
    public const string InterruptedError = "The server stopped while this run was active.";

    /// <summary>
    /// Registers <see cref="QuantScopeDatabase"/>, an <see cref="IDbContextFactory{TContext}"/> for
    /// <see cref="QuantScopeDbContext"/> (one context per operation), and <see cref="RunRepository"/>,
    /// <see cref="MetricSeriesWriter"/>, <see cref="MetricSeriesRepository"/> as singletons.
    /// Creates the directory of <paramref name="databasePath"/> if missing.
    /// </summary>
    public static IServiceCollection AddQuantScopeData(this IServiceCollection services, string databasePath) =>
        services.AddQuantScopeData(new QuantScopeDatabase(databasePath));

    /// <summary>
    /// As <see cref="AddQuantScopeData(IServiceCollection, string)"/> for either engine. Under PostgreSQL the context
    /// factory hands out <see cref="PostgresQuantScopeDbContext"/>s (PostgreSQL's migrations) typed as
    /// <see cref="QuantScopeDbContext"/>; the directory of <see cref="QuantScopeDatabase.Path"/> is created all the same
    /// (checkpoints and uploads live there).
    /// </summary>
    public static IServiceCollection AddQuantScopeData(this IServiceCollection services, QuantScopeDatabase database)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(database);
        var directory = Path.GetDirectoryName(database.Path);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);

        services.AddSingleton(database);
        if (database.Provider == StoreProvider.PostgreSQL)
        {
            services.AddDbContextFactory<PostgresQuantScopeDbContext>(options => QuantScopeDbContextOptions.Configure(options, database));
            services.AddSingleton<IDbContextFactory<QuantScopeDbContext>>(sp =>
                new UpcastDbContextFactory<PostgresQuantScopeDbContext, QuantScopeDbContext>(sp.GetRequiredService<IDbContextFactory<PostgresQuantScopeDbContext>>()));
        }
        else
        {
            services.AddDbContextFactory<QuantScopeDbContext>(options => QuantScopeDbContextOptions.Configure(options, database));
        }
        services.AddSingleton<RunRepository>();
        services.AddSingleton<MetricSeriesWriter>();
        services.AddSingleton<MetricSeriesRepository>();
        return services;
    }

    /// <summary>
    /// Call once at start, before serving: switches a SQLite file to WAL, applies pending migrations (PostgreSQL: creates
    /// the database first when missing and the user may), and marks runs left Pending or Running by a previous process
    /// as Interrupted (with <see cref="InterruptedError"/> and EndedAt now).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="markInterrupted">False for a second process on the same file (the <c>run</c> verb next to a running
    /// dashboard): it must not end the other process's live runs.</param>
    public static async Task InitializeDatabaseAsync(this IServiceProvider services, CancellationToken ct, bool markInterrupted = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        var database = services.GetRequiredService<QuantScopeDatabase>();
        if (database.Provider == StoreProvider.Sqlite)
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            var mode = await SqlitePragmas.EnableWalAsync(connection, ct);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"SQLite refused WAL mode for {database.Path} (journal mode is '{mode}').");
        }

        var factory = services.GetRequiredService<IDbContextFactory<QuantScopeDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        if (!markInterrupted) return;
        var now = DateTime.UtcNow;
        await db.Runs
            .Where(r => r.Status == RunStatus.Running || r.Status == RunStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Interrupted)
                .SetProperty(r => r.Error, InterruptedError)
                .SetProperty(r => r.EndedAt, now), ct);
    }
}
