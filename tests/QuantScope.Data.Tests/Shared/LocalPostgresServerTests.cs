using Npgsql;
using QuantScope.Tests.Shared;

namespace QuantScope.Data.Tests.Shared;

public sealed class LocalPostgresServerTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory, PostgresData]
    public async Task StartAsync_CreateQueryDropThenDispose_ServesOnLoopbackAndRemovesEverything(StoreProvider _)
    {
        var server = await LocalPostgresServer.StartAsync(durable: false, Ct);
        Assert.True(Directory.Exists(server.RootFolder));
        try
        {
            var connectionString = await server.CreateDatabaseAsync("lifecycle_test", Ct);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(Ct);
                await using var command = new NpgsqlCommand("SELECT inet_server_addr()::text || ' ' || current_database();", connection);
                Assert.Equal("127.0.0.1/32 lifecycle_test", await command.ExecuteScalarAsync(Ct));
            }
            await server.DropDatabaseAsync("lifecycle_test", Ct);
            await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var gone = new NpgsqlConnection(connectionString + ";Pooling=false");
                await gone.OpenAsync(Ct);
            });
            await Assert.ThrowsAsync<ArgumentException>(() => server.CreateDatabaseAsync("bad\"name", Ct));
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(Directory.Exists(server.RootFolder));
        await using var closed = new NpgsqlConnection(server.ConnectionString("postgres") + ";Pooling=false;Timeout=2");
        await Assert.ThrowsAsync<NpgsqlException>(() => closed.OpenAsync(Ct));
    }
}
