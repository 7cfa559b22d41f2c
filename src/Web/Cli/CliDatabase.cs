using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>Opens the dashboard's SQLite store for a CLI verb (<c>--db</c>, default as in appsettings, relative to the current directory).</summary>
public static class CliDatabase
{
    /// <summary>The full path <paramref name="dbPath"/> (or the default) names.</summary>
    public static string PathOf(string? dbPath) => System.IO.Path.GetFullPath(dbPath ?? new StorageOptions().DatabasePath);

    /// <summary>
    /// The store's services (migrated, WAL), or null after writing why to <paramref name="stderr"/> as <c>--db: ...</c>.
    /// It never marks runs interrupted: a dashboard may be training on the same file.
    /// </summary>
    /// <param name="database">Full path of the database file.</param>
    /// <param name="mustExist">Fail instead of creating a missing file (verbs that only read).</param>
    /// <param name="stderr">Where the reason goes.</param>
    /// <param name="ct">Cancellation (an <see cref="OperationCanceledException"/> propagates).</param>
    public static async Task<ServiceProvider?> OpenAsync(string database, bool mustExist, TextWriter stderr, CancellationToken ct)
    {
        if (mustExist && !File.Exists(database))
        {
            await stderr.WriteLineAsync($"--db: no database at '{database}'.");
            return null;
        }

        var services = new ServiceCollection().AddQuantScopeData(database).BuildServiceProvider();
        try
        {
            await services.InitializeDatabaseAsync(ct, markInterrupted: false);
            return services;
        }
        catch (Exception ex)
        {
            await services.DisposeAsync();
            if (ex is OperationCanceledException) throw;
            await stderr.WriteLineAsync($"--db: cannot open the database '{database}': {ex.Message}");
            return null;
        }
    }
}
