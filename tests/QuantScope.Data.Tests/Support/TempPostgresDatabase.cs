using QuantScope.Tests.Shared;
using Npgsql;

namespace QuantScope.Data.Tests;

/// <summary>
/// A fresh database on the test run's PostgreSQL server (<see cref="PostgresTestServer"/>), dropped on dispose,
/// plus a temp folder standing in for the data folder (checkpoints, uploads).
/// </summary>
public sealed class TempPostgresDatabase : ITestStore
{
    private readonly string _name = "qs_" + Guid.NewGuid().ToString("N");
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "quantscope-data-tests", Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];
    private string? _connectionString;

    public StoreProvider Provider => StoreProvider.PostgreSQL;

    /// <summary>Connection string of this test's database (after the first <see cref="OpenAsync"/>).</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Open the store first.");

    public async Task<ServiceProvider> OpenAsync(bool initialize = true)
    {
        var server = await PostgresTestServer.GetAsync();
        _connectionString ??= await server.CreateDatabaseAsync(_name, CancellationToken.None);
        var database = QuantScopeDatabase.ForPostgres(_connectionString, Path.Combine(_directory, "db", "quantscope.db"));
        var provider = new ServiceCollection().AddQuantScopeData(database).BuildServiceProvider(validateScopes: true);
        _providers.Add(provider);
        if (initialize)
            await provider.InitializeDatabaseAsync(CancellationToken.None);
        return provider;
    }

    public async Task CloseAsync(ServiceProvider provider)
    {
        _providers.Remove(provider);
        await provider.DisposeAsync();
        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
            await provider.DisposeAsync();
        if (_connectionString is not null)
        {
            using (var connection = new NpgsqlConnection(_connectionString))
                NpgsqlConnection.ClearPool(connection);
            await (await PostgresTestServer.GetAsync()).DropDatabaseAsync(_name, CancellationToken.None);
        }
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }
}
