using Microsoft.Data.Sqlite;

namespace QuantScope.Data.Tests;

/// <summary>
/// A real SQLite file in its own temp folder. <see cref="OpenAsync"/> builds a fresh service provider on it (so a test
/// can "restart the server"); disposing clears the connection pools first, then deletes the folder.
/// </summary>
public sealed class TempDatabase : ITestStore
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "quantscope-data-tests", Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    public StoreProvider Provider => StoreProvider.Sqlite;

    /// <summary>Nested one level down so AddQuantScopeData has a directory to create.</summary>
    public string DatabasePath => Path.Combine(_directory, "db", "quantscope.db");

    /// <summary>A new provider on the same file, initialized (WAL, migrations, interrupted runs).</summary>
    public async Task<ServiceProvider> OpenAsync(bool initialize = true)
    {
        var provider = new ServiceCollection().AddQuantScopeData(DatabasePath).BuildServiceProvider(validateScopes: true);
        _providers.Add(provider);
        if (initialize)
            await provider.InitializeDatabaseAsync(CancellationToken.None);
        return provider;
    }

    /// <summary>Closes a provider as a stopping server would: nothing of it stays open on the file.</summary>
    public async Task CloseAsync(ServiceProvider provider)
    {
        _providers.Remove(provider);
        await provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
            await provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
