using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace QuantScope.Data.Tests;

public sealed class DataServiceCollectionExtensionsTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task InitializeDatabaseAsync_FreshFile_CreatesDirectoryAndJournalModeIsWal()
    {
        await using var temp = new TempDatabase();
        await temp.OpenAsync();

        Assert.True(File.Exists(temp.DatabasePath));
        // A plain connection, not ours: WAL must be stored in the file, not set per connection.
        await using var connection = new SqliteConnection($"Data Source={temp.DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task AddQuantScopeData_EfAndRawConnections_UseSynchronousNormalAndForeignKeys()
    {
        await using var temp = new TempDatabase();
        var services = await temp.OpenAsync();

        await using var raw = (SqliteConnection)await services.GetRequiredService<QuantScopeDatabase>().OpenConnectionAsync(Ct);
        await using var db = await services.GetRequiredService<IDbContextFactory<QuantScopeDbContext>>().CreateDbContextAsync(Ct);
        await db.Database.OpenConnectionAsync(Ct);
        var ef = (SqliteConnection)db.Database.GetDbConnection();

        foreach (var connection in new[] { raw, ef })
        {
            Assert.Equal("1", await ScalarAsync(connection, "PRAGMA synchronous;")); // 1 = NORMAL
            Assert.Equal("1", await ScalarAsync(connection, "PRAGMA foreign_keys;"));
        }
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task InitializeDatabaseAsync_RunsLeftActive_AreMarkedInterrupted(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var first = await temp.OpenAsync();
        var runs = first.GetRequiredService<RunRepository>();
        var running = TestRuns.New("running");
        var pending = TestRuns.New("pending");
        var completed = TestRuns.New("completed");
        foreach (var run in new[] { running, pending, completed })
            await runs.CreateAsync(run, Ct);
        await runs.MarkRunningAsync(running.Id, Ct);
        await runs.MarkEndedAsync(completed.Id, RunStatus.Completed, null, Ct);
        var completedEndedAt = (await runs.GetAsync(completed.Id, Ct))!.EndedAt;
        await temp.CloseAsync(first);

        var second = await temp.OpenAsync();
        runs = second.GetRequiredService<RunRepository>();

        var afterRunning = (await runs.GetAsync(running.Id, Ct))!;
        Assert.Equal(RunStatus.Interrupted, afterRunning.Status);
        Assert.Equal(DataServiceCollectionExtensions.InterruptedError, afterRunning.Error);
        Assert.NotNull(afterRunning.EndedAt);
        Assert.Equal(RunStatus.Interrupted, (await runs.GetAsync(pending.Id, Ct))!.Status);
        var afterCompleted = (await runs.GetAsync(completed.Id, Ct))!;
        Assert.Equal((RunStatus.Completed, completedEndedAt), (afterCompleted.Status, afterCompleted.EndedAt));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task InitializeDatabaseAsync_Migrated_NoPendingMigrations(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();

        await using var db = await services.GetRequiredService<IDbContextFactory<QuantScopeDbContext>>().CreateDbContextAsync(Ct);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Contains(await db.Database.GetAppliedMigrationsAsync(Ct), m => m.EndsWith("_InitialCreate", StringComparison.Ordinal));
        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task InitializeDatabaseAsync_DatabaseOfFirstVersion_UpgradesAndKeepsRuns()
    {
        await using var temp = new TempDatabase();
        var old = await temp.OpenAsync(initialize: false);
        var runId = Guid.NewGuid();
        await using (var db = await old.GetRequiredService<IDbContextFactory<QuantScopeDbContext>>().CreateDbContextAsync(Ct))
        {
            // The schema exactly as the first release wrote it, with a run in it.
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(db).MigrateAsync("InitialCreate", Ct);
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO runs (id, name, kind, status, config_json, layers_json, created_at, last_step) " +
                "VALUES ({0}, 'old', 'engine', 'Completed', '{{}}', '[]', '2026-11-01 00:00:00', 9)", [runId.ToString("D")], Ct);
        }
        await temp.CloseAsync(old);

        var upgraded = await temp.OpenAsync();
        var run = await upgraded.GetRequiredService<RunRepository>().GetAsync(runId, Ct);
        Assert.NotNull(run);
        Assert.Equal(("old", 9, "{}"), (run.Name, run.LastStep, run.PlanJson));
        await using var check = await upgraded.GetRequiredService<IDbContextFactory<QuantScopeDbContext>>().CreateDbContextAsync(Ct);
        Assert.Empty(await check.Database.GetPendingMigrationsAsync(Ct));
    }

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
