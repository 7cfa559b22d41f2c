using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantScope.Data;
using QuantScope.Data.Series;
using QuantScope.Web.Hubs;
using QuantScope.Web.Setup;
using QuantScope.Bench.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace QuantScope.Bench.Load;

/// <summary>
/// <c>bench --load</c>: the whole app on loopback (a temporary database) with <see cref="Watchers"/> hub watchers,
/// <see cref="EngineRuns"/> tiny engine runs training, and one external client ingesting as fast as acknowledgements
/// allow, paced to at most <see cref="TargetPointsPerSecond"/>, for a bounded time. Prints points sent (acknowledged)
/// and stored (zero lost), the ingest rate, hub latency (send to receipt by a watcher, p50/p95) and process memory.
/// </summary>
public static class LoadBench
{
    /// <summary>Hub watchers (stand-ins for browsers).</summary>
    public const int Watchers = 20;

    /// <summary>Engine runs training during the bench.</summary>
    public const int EngineRuns = 4;

    /// <summary>The ingest pace ceiling.</summary>
    public const int TargetPointsPerSecond = 100_000;

    private const int StepsPerBatch = 1000;
    private const int MetricsPerStep = 10; // 10,000 points per batch
    private const int Posters = 3;

    /// <summary>Runs the bench for <paramref name="seconds"/> of ingest and prints the figures.</summary>
    public static async Task<int> RunAsync(int seconds, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"quantscope-load-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Storage:DatabasePath"] = Path.Combine(folder, "load.db");
        builder.Configuration["Security:IngestRequestsPerSecond"] = "1000";
        BenchLogging.Quiet(builder.Configuration);
        builder.AddQuantScope();
        var app = builder.Build();
        await app.Services.InitializeQuantScopeAsync(ct);
        app.MapQuantScope();
        await app.StartAsync(ct);
        try
        {
            var baseUrl = app.Urls.First().TrimEnd('/');
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
            var memory = new List<(string When, long WorkingSet, long Managed)> { Memory("start") };

            var engines = new List<Guid>();
            for (var i = 0; i < EngineRuns; i++) engines.Add(await CreateAsync(http, TinyRun(i), ct));
            var external = await CreateAsync(http, new { kind = "external", name = "load-ingest" }, ct);

            var sent = new ConcurrentDictionary<int, long>();
            var hub = new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + MetricsHub.Path);
            var watchers = Enumerable.Range(0, Watchers).Select(_ => new LoadBenchWatcher(hub, s => sent.TryGetValue(s, out var t) ? t : null)).ToList();
            for (var i = 0; i < watchers.Count; i++) await watchers[i].StartAsync([external, engines[i % engines.Count]], external, ct);
            await stderr.WriteLineAsync($"Load: {Watchers} hub watchers, {EngineRuns} engine runs, ingesting for {seconds} s at up to {TargetPointsPerSecond:N0} points/s...");

            var clock = Stopwatch.StartNew();
            var until = TimeSpan.FromSeconds(seconds);
            long acked = 0, refused = 0, nextBatch = -1;
            var warmUp = TimeSpan.FromSeconds(Math.Min(5, seconds / 4.0));
            var middle = Task.Run(async () =>
            {
                await Task.Delay(warmUp, ct);
                lock (memory) memory.Add(Memory("warm-up", collect: true)); // after a full GC: the level to come back to
                await Task.Delay(until / 2 - warmUp, ct);
                lock (memory) memory.Add(Memory("middle"));
            }, ct);
            async Task PostLoopAsync()
            {
                while (clock.Elapsed < until)
                {
                    var b = Interlocked.Increment(ref nextBatch);
                    var due = TimeSpan.FromSeconds(b * (double)(StepsPerBatch * MetricsPerStep) / TargetPointsPerSecond);
                    if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct); // pace: never above the target
                    var first = (int)b * StepsPerBatch;
                    sent[first] = Stopwatch.GetTimestamp();
                    while (true)
                    {
                        using var response = await http.PostAsJsonAsync($"/api/runs/{external}/metrics", Batch(first), ct);
                        if (response.IsSuccessStatusCode) break;
                        Interlocked.Increment(ref refused); // 503/429: push back, resend the same batch
                        await Task.Delay(200, ct);
                    }
                    Interlocked.Add(ref acked, StepsPerBatch * MetricsPerStep);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, Posters).Select(_ => PostLoopAsync()));
            var elapsed = clock.Elapsed;
            await middle;
            await Task.Delay(1000, ct); // let the last live pushes arrive

            var series = app.Services.GetRequiredService<MetricSeriesRepository>();
            long stored = 0;
            for (var m = 0; m < MetricsPerStep; m++) stored += (await series.ReadScalarAsync(external, $"m{m}", ct)).Count;
            var engineSteps = new List<int>();
            foreach (var id in engines)
                engineSteps.Add((await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", ct)).GetProperty("lastStep").GetInt32() + 1);
            memory.Add(Memory("end"));
            memory.Add(Memory("end+GC", collect: true));

            var latencies = watchers.SelectMany(w => w.LatenciesMs).Order().ToArray();
            foreach (var w in watchers) await w.DisposeAsync();
            Print(stdout, elapsed, acked, stored, refused, latencies, watchers.Sum(w => w.Received), watchers.Sum(w => w.Bytes), engineSteps, memory);
            foreach (var id in engines) await http.PostAsync($"/api/runs/{id}/cancel", null, ct);
            return acked == stored ? 0 : 1;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static object TinyRun(int i) => new
    {
        name = $"load-{i}",
        model = new { layers = 2, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps = 1_000_000,
        batchSize = 2,
        seqLen = 16,
        logEvery = 1,
        seed = i + 1,
    };

    private static object Batch(int first)
    {
        var steps = new int[StepsPerBatch * MetricsPerStep];
        var names = new string[steps.Length];
        var values = new float[steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i] = first + i / MetricsPerStep;
            names[i] = "m" + (i % MetricsPerStep).ToString(CultureInfo.InvariantCulture);
            values[i] = steps[i] * 0.001f;
        }
        return new { steps, names, values };
    }

    private static async Task<Guid> CreateAsync(HttpClient http, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/runs", body, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }

    private static (string, long, long) Memory(string when, bool collect = false)
    {
        if (collect)
        {
            // Aggressive: compacts and gives freed memory back to the OS, so the working set can show it.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        return (when, process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static void Print(TextWriter o, TimeSpan elapsed, long acked, long stored, long refused, double[] latencies,
        long received, long bytes, List<int> engineSteps, List<(string When, long WorkingSet, long Managed)> memory)
    {
        string P(double q) => latencies.Length == 0 ? "-" : latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))].ToString("F1", CultureInfo.InvariantCulture);
        o.WriteLine($"Load bench (loopback, {Watchers} SignalR hub watchers standing in for browsers, {EngineRuns} tiny engine runs, 1 HTTP ingest client, {Posters} requests in flight):");
        o.WriteLine($"  ingest time                 {elapsed.TotalSeconds:F1} s");
        o.WriteLine($"  points sent (acknowledged)  {acked:N0}");
        o.WriteLine($"  points stored               {stored:N0}   lost: {acked - stored:N0}");
        o.WriteLine($"  ingest rate                 {acked / elapsed.TotalSeconds:N0} points/s (target {TargetPointsPerSecond:N0})");
        o.WriteLine($"  batches pushed back         {refused:N0}");
        o.WriteLine($"  hub latency send->watcher   p50 {P(0.50)} ms, p95 {P(0.95)} ms ({latencies.Length:N0} samples; {received:N0} metric messages, {bytes / 1048576.0:N0} MB received)");
        o.WriteLine($"  engine runs trained         {string.Join(", ", engineSteps)} steps");
        using (var process = Process.GetCurrentProcess())
            o.WriteLine($"  process CPU, whole bench    {process.TotalProcessorTime.TotalSeconds:F1} s; managed allocations {GC.GetTotalAllocatedBytes() / 1048576.0:N0} MB");
        foreach (var (when, ws, managed) in memory)
            o.WriteLine($"  memory {when,-7}              working set {ws / 1048576.0:F0} MB, managed heap {managed / 1048576.0:F0} MB");
        var warm = memory.Find(m => m.When == "warm-up");
        var end = memory.Find(m => m.When == "end+GC");
        if (warm.WorkingSet > 0)
            o.WriteLine($"  end+GC / warm-up            working set {(double)end.WorkingSet / warm.WorkingSet:F2}, managed heap {(double)end.Managed / Math.Max(1, warm.Managed):F2}");
    }
}
