using Microsoft.AspNetCore.Hosting;
using Npgsql;
using QuantScope.Tests.Shared;
using QuantScope.Web.Reliability;
using static QuantScope.Web.Tests.Ingest.IngestTestClient;

namespace QuantScope.Web.Tests.Reliability;

public sealed class StorageFaultsTests
{
    [Theory]
    [InlineData("53100", true)]  // disk full
    [InlineData("53300", true)]  // too many connections
    [InlineData("40001", true)]  // serialization failure
    [InlineData("40P01", true)]  // deadlock detected
    [InlineData("57P01", true)]  // admin shutdown (server restarting)
    [InlineData("23505", false)] // unique violation: a bug, retrying cannot help
    [InlineData("42P01", false)] // undefined table: schema missing
    public void IsTransient_PostgresError_BySqlState(string sqlState, bool transient)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(transient, StorageFaults.IsTransient(error));
        Assert.Equal(transient, StorageFaults.IsTransient(new InvalidOperationException("wrapped", error)));
    }

    [Fact]
    public void IsTransient_ServerUnreachable_True()
    {
        var error = new NpgsqlException("Failed to connect to 127.0.0.1:1", new System.Net.Sockets.SocketException(111));

        Assert.True(StorageFaults.IsTransient(error));
        Assert.Contains("PostgreSQL server cannot be reached", StorageFaults.Describe(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_PostgresDiskFull_NamesTheFault()
    {
        Assert.Equal("the PostgreSQL server's disk is full (53100)",
            StorageFaults.Describe(new PostgresException("could not extend file", "ERROR", "ERROR", "53100")));
    }

    [PostgresFact]
    public async Task Ingest_PostgresServerStopped_503WithRetryAfter()
    {
        // Its own server (not the shared one): this test stops it under the running app.
        var server = await LocalPostgresServer.StartAsync(durable: false, CancellationToken.None);
        var folder = Path.Combine(Path.GetTempPath(), $"quantscope-web-pgfault-{Guid.NewGuid():N}");
        try
        {
            var connectionString = await server.CreateDatabaseAsync("faults", CancellationToken.None);
            using var app = new QuantScopeWebFactory().WithWebHostBuilder(b => b
                .UseSetting("Storage:Provider", "PostgreSQL")
                .UseSetting("Storage:ConnectionString", connectionString + ";Timeout=2")
                .UseSetting("Storage:DatabasePath", Path.Combine(folder, "quantscope.db"))
                .UseSetting("Storage:IngestAckTimeoutSeconds", "1"));
            using var http = app.CreateClient();
            var id = await CreateExternalAsync(http, "pg-fault", "l0");
            var batch = new { steps = new[] { 0 }, names = new[] { "loss" }, values = new[] { 1.0 } };
            Assert.Equal(HttpStatusCode.OK, (await PostMetricsAsync(http, id, batch)).StatusCode);

            await server.DisposeAsync();
            var refused = await PostMetricsAsync(http, id, new { steps = new[] { 1 }, names = new[] { "loss" }, values = new[] { 0.5 } });

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        finally
        {
            await server.DisposeAsync();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
