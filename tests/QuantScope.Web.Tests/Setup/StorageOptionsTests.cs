using QuantScope.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using static QuantScope.Web.Tests.Ingest.IngestTestClient;

namespace QuantScope.Web.Tests.Setup;

public sealed class StorageOptionsTests
{
    [Fact]
    public void ToDatabase_Defaults_SqliteFileUnderContentRoot()
    {
        var database = new StorageOptions().ToDatabase("/srv/qs");

        Assert.Equal(StoreProvider.Sqlite, database.Provider);
        Assert.Equal("/srv/qs/data/quantscope.db", database.Path);
    }

    [Theory]
    [InlineData("", "Storage:ConnectionString is required")]
    [InlineData("Host=db", "Storage:ConnectionString is not usable")]
    [InlineData("Host=db;Database=q;Nonsense=1", "Storage:ConnectionString is not usable")]
    public void ToDatabase_PostgresWithoutUsableConnectionString_ErrorNamesTheSetting(string connectionString, string message)
    {
        var options = new StorageOptions { Provider = StoreProvider.PostgreSQL, ConnectionString = connectionString };

        var error = Assert.Throws<InvalidOperationException>(() => options.ToDatabase("/srv/qs"));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AddQuantScope_ProviderPostgreSQL_IngestRoundTripThroughHttpApi()
    {
        var server = await PostgresTestServer.GetAsync();
        var name = "web_" + Guid.NewGuid().ToString("N");
        var connectionString = await server.CreateDatabaseAsync(name, CancellationToken.None);
        var folder = Path.Combine(Path.GetTempPath(), $"quantscope-web-pg-{Guid.NewGuid():N}");
        try
        {
            using (var factory = new QuantScopeWebFactory().WithWebHostBuilder(b => b
                .UseSetting("Storage:Provider", "PostgreSQL")
                .UseSetting("Storage:ConnectionString", connectionString)
                .UseSetting("Storage:DatabasePath", Path.Combine(folder, "quantscope.db"))))
            {
                var http = factory.CreateClient();
                Assert.Equal(StoreProvider.PostgreSQL, factory.Services.GetRequiredService<QuantScopeDatabase>().Provider);
                var id = await CreateExternalAsync(http, "on-postgres", "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj");

                var posted = await PostMetricsAsync(http, id, new
                {
                    steps = new[] { 0, 0, 0, 1 },
                    names = new[] { "loss", "amax", "amax", "loss" },
                    layers = new[] { null, "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj", null },
                    roles = new[] { null, "input", "input", null },
                    values = new object[] { 2.5, 448.0, "Infinity", 2.25 },
                });
                Assert.Equal(HttpStatusCode.OK, posted.StatusCode);

                var loss = await WaitForSeriesAsync(http, id, "metric=loss", 2);
                Assert.Equal([2.5f, 2.25f], loss.EnumerateArray().Select(p => p.GetProperty("value").GetSingle()));
                var heatmap = await WaitForHeatmapAsync(http, id, "metric=amax&role=input", layerIndex: 0);
                Assert.Equal([0], heatmap.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
                Assert.Equal(448f, heatmap.GetProperty("values")[0][0].GetSingle());
                Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "completed" })).StatusCode);
                var ended = await QuantScopeWebFactory.WaitForStatusAsync(http, id, "completed");
                Assert.Equal(1, ended.GetProperty("lastStep").GetInt32());
            }

            // Stored in PostgreSQL (read back with a fresh store on the same database), and no SQLite file was made.
            await using var store = new ServiceCollection()
                .AddQuantScopeData(QuantScopeDatabase.ForPostgres(connectionString, Path.Combine(folder, "quantscope.db"))).BuildServiceProvider();
            var runs = await store.GetRequiredService<RunRepository>().ListAsync(CancellationToken.None);
            Assert.Equal(("on-postgres", Engine.Telemetry.RunStatus.Completed), (runs.Single().Name, runs.Single().Status));
            Assert.False(File.Exists(Path.Combine(folder, "quantscope.db")));
        }
        finally
        {
            await server.DropDatabaseAsync(name, CancellationToken.None);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
