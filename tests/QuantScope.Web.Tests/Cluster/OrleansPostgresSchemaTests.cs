using QuantScope.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using QuantScope.Web.Cluster;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Cluster;

/// <summary>The production path on a real PostgreSQL server: our membership schema, two worker hosts, the dashboard as an Orleans client.</summary>
public sealed class OrleansPostgresSchemaTests
{
    [PostgresFact]
    public async Task ApplyAsync_TwoWorkersAndTheDashboard_JoinAndRunASweepOnBoth()
    {
        var server = await PostgresTestServer.GetAsync();
        var connection = await server.CreateDatabaseAsync($"orleans_{Guid.NewGuid():N}", CancellationToken.None);
        await OrleansPostgresSchema.ApplyAsync(connection, CancellationToken.None);
        await OrleansPostgresSchema.ApplyAsync(connection, CancellationToken.None); // idempotent: every worker may run it
        var checkpoints = Path.Combine(Path.GetTempPath(), $"quantscope-pgcluster-{Guid.NewGuid():N}");
        var clusterId = $"test-{Guid.NewGuid():N}";
        var workers = new List<IHost>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var options = new ClusterModeOptions
                {
                    ConnectionString = connection, ClusterId = clusterId, Slots = 1, HeartbeatSeconds = 0.5,
                    CheckpointRoot = checkpoints, WorkerName = $"pg-worker-{i}",
                };
                var host = WorkerCommand.BuildHost(options, IPAddress.Loopback);
                await host.StartAsync();
                workers.Add(host);
            }

            await using var factory = new QuantScopeWebFactory();
            await using var dashboard = factory.WithWebHostBuilder(b =>
            {
                b.UseSetting("Cluster:Enabled", "true");
                b.UseSetting("Cluster:ConnectionString", connection);
                b.UseSetting("Cluster:ClusterId", clusterId);
                b.UseSetting("Cluster:PollSeconds", "0.2");
            });
            var json = """
                {"name":"pg","base":{"model":{"layers":1,"dModel":32,"heads":2,"ffnDim":64,"contextLength":32},"steps":8,"batchSize":2,"seqLen":16},
                 "grid":{"seed":[1,2]}}
                """;
            var (created, errors) = await dashboard.Services.GetRequiredService<SweepService>().CreateAsync(json, CancellationToken.None);
            Assert.Empty(errors);
            await dashboard.Services.GetRequiredService<SweepRunner>().WaitAsync(created!.SweepId).WaitAsync(TimeSpan.FromSeconds(180));

            var dispatcher = dashboard.Services.GetRequiredService<ClusterJobDispatcher>();
            var runs = dashboard.Services.GetRequiredService<RunRepository>();
            foreach (var id in created.Runs)
            {
                RunEntity run;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                do
                {
                    run = (await runs.GetAsync(id, CancellationToken.None))!;
                    await Task.Delay(50);
                }
                while (run.Status != RunStatus.Completed && DateTime.UtcNow < deadline);
                Assert.True(run.Status == RunStatus.Completed, $"run {id}: {run.Status} {run.Error}");
                Assert.Single(dispatcher.WorkersOf(id));
            }
            Assert.Equal(2, created.Runs.Select(id => dispatcher.WorkersOf(id)[0]).Distinct().Count()); // one slot each: both worked
        }
        finally
        {
            foreach (var host in workers)
            {
                await host.StopAsync();
                host.Dispose();
            }
            if (Directory.Exists(checkpoints)) Directory.Delete(checkpoints, recursive: true);
        }
    }
}
