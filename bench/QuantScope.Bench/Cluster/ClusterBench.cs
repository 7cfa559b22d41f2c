using System.Diagnostics;
using System.Globalization;
using System.Net;
using Orleans.Hosting;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Setup;
using QuantScope.Web.Sweeps;
using QuantScope.Bench.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantScope.Web.Cluster;

namespace QuantScope.Bench.Cluster;

/// <summary>
/// <c>bench --cluster</c>: sweep throughput with 1, 2 and 4 local workers (one slot each). Each round starts that many
/// worker silos in this process (Orleans localhost clustering: no database needed), a dashboard with
/// <c>Cluster:Enabled</c> on its own SQLite file, runs one sweep of tiny runs through the cluster, and prints runs per
/// hour and the ratio to one worker. On a machine with few cores the ratio shows how far the workers share them.
/// </summary>
public static class ClusterBench
{
    /// <summary>Worker counts measured, in order.</summary>
    public static readonly int[] WorkerCounts = [1, 2, 4];

    /// <summary>Rounds per worker count, interleaved (1, 2, 4, 1, 2, 4, ...): the machine's load shifts between rounds.</summary>
    public const int Rounds = 2;

    /// <summary>Runs the bench; returns 0, or 1 when a run did not complete.</summary>
    public static async Task<int> RunAsync(int runs, int steps, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await stdout.WriteLineAsync($"Cluster sweep throughput: {runs} tiny runs of {steps} steps per sweep, 1 slot per worker, {Environment.ProcessorCount} cores, {Rounds} interleaved rounds");
        var seconds = WorkerCounts.ToDictionary(w => w, _ => new List<double>());
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var workers in WorkerCounts)
            {
                var measured = await MeasureAsync(workers, runs, steps, ct);
                if (measured is null)
                {
                    await stderr.WriteLineAsync($"{workers} worker(s): a run did not complete");
                    return 1;
                }
                seconds[workers].Add(measured.Value);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1}, {workers} worker(s): {measured,7:F1} s"));
            }
        }

        await stdout.WriteLineAsync("workers  median s  runs/hour  ratio vs 1 worker");
        var single = runs * 3600.0 / Median(seconds[1]);
        foreach (var workers in WorkerCounts)
        {
            var median = Median(seconds[workers]);
            var perHour = runs * 3600.0 / median;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{workers,7}  {median,8:F1}  {perHour,9:F0}  {perHour / single,17:F2}"));
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<double?> MeasureAsync(int workerCount, int runs, int steps, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"quantscope-clusterbench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var clusterId = $"bench-{Guid.NewGuid():N}";
        var silos = new List<IHost>();
        IHost? client = null;
        WebApplication? app = null;
        try
        {
            var primary = new IPEndPoint(IPAddress.Loopback, FreePort.Pick());
            var gateways = new List<int>();
            for (var i = 0; i < workerCount; i++)
            {
                var siloPort = i == 0 ? primary.Port : FreePort.Pick();
                var gatewayPort = FreePort.Pick();
                gateways.Add(gatewayPort);
                var builder = Host.CreateApplicationBuilder();
                BenchLogging.Quiet(builder.Configuration);
                var options = new ClusterModeOptions { Slots = 1, HeartbeatSeconds = 0.5, CheckpointRoot = Path.Combine(folder, "checkpoints"), WorkerName = $"bench-{i}" };
                builder.UseOrleans(silo => silo
                    .UseLocalhostClustering(siloPort, gatewayPort, i == 0 ? null : primary, clusterId, clusterId)
                    .AddQuantScopeWorker(options));
                var host = builder.Build();
                await host.StartAsync(ct);
                silos.Add(host);
            }

            var clientBuilder = Host.CreateApplicationBuilder();
            BenchLogging.Quiet(clientBuilder.Configuration);
            clientBuilder.UseOrleansClient(c => c.UseLocalhostClustering([.. gateways], clusterId, clusterId));
            client = clientBuilder.Build();
            await client.StartAsync(ct);
            var grains = client.Services.GetRequiredService<IClusterClient>();

            var web = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
            web.WebHost.UseUrls("http://127.0.0.1:0");
            web.Configuration["Storage:DatabasePath"] = Path.Combine(folder, "bench.db");
            web.Configuration["Cluster:Enabled"] = "true";
            web.Configuration["Cluster:PollSeconds"] = "0.2";
            BenchLogging.Quiet(web.Configuration);
            web.Services.AddSingleton<IGrainFactory>(grains);
            web.AddQuantScope();
            app = web.Build();
            await app.Services.InitializeQuantScopeAsync(ct);
            app.MapQuantScope();
            await app.StartAsync(ct);

            var directory = grains.GetGrain<IWorkerDirectoryGrain>(0);
            while ((await directory.ListAsync()).Count < workerCount) await Task.Delay(100, ct);

            var seeds = string.Join(",", Enumerable.Range(1, runs));
            var json = "{\"name\":\"cluster-bench\",\"base\":{\"model\":{\"layers\":1,\"dModel\":32,\"heads\":2,\"ffnDim\":64,\"contextLength\":32},"
                + $"\"steps\":{steps},\"batchSize\":2,\"seqLen\":16}},\"grid\":{{\"seed\":[{seeds}]}}}}";
            var clock = Stopwatch.StartNew();
            var (created, errors) = await app.Services.GetRequiredService<SweepService>().CreateAsync(json, ct);
            if (created is null) throw new InvalidOperationException(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
            await app.Services.GetRequiredService<SweepRunner>().WaitAsync(created.SweepId).WaitAsync(ct);
            var repository = app.Services.GetRequiredService<RunRepository>();
            foreach (var id in created.Runs)
            {
                // The end is queued behind the run's points: a run counts once it is recorded completed.
                RunEntity? run;
                while ((run = await repository.GetAsync(id, ct))!.Status is RunStatus.Running or RunStatus.Pending) await Task.Delay(20, ct);
                if (run.Status != RunStatus.Completed) return null;
            }
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            if (app is not null) await app.DisposeAsync();
            if (client is not null)
            {
                await client.StopAsync(CancellationToken.None);
                client.Dispose();
            }
            foreach (var silo in Enumerable.Reverse(silos))
            {
                await silo.StopAsync(CancellationToken.None);
                silo.Dispose();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held: the temp folder is cleaned by the OS.
            }
        }
    }
}
