using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using QuantScope.Tests.Shared;

namespace QuantScope.Bench.Browser;

/// <summary>
/// Browser speed benchmark (not a test): dotnet run -c Release --project bench/QuantScope.Bench -- --browser [--budget 120 --only heatmap --cold 3 --warm 5 --trace --profile]
/// (a) step end -> point in the browser while a `small` run streams every per-layer stat; (b) first render of a
/// 100 x 10,000 heatmap. Times depend on the machine's load: on a shared machine they are upper bounds.
/// </summary>
public static class BrowserBench
{
    /// <summary>
    /// Runs the measurements and prints the table. <paramref name="budget"/> caps the engine run's time;
    /// <paramref name="only"/> is latency, stream or heatmap for one part alone (null: latency and heatmap);
    /// <paramref name="cold"/> first visits (new profiles) and <paramref name="warm"/> later visits of the heatmap.
    /// </summary>
    public static async Task<int> RunAsync(TimeSpan budget, string? only, int cold, int warm, bool trace, bool profile)
    {
        HeatmapRenderBench.Trace = trace; // print where each render's time goes
        HeatmapRenderBench.Profile = profile; // and each render's main-thread CPU profile
        var total = Stopwatch.StartNew();
        Console.WriteLine($"QuantScope browser bench · {Environment.ProcessorCount} cores · chromium headless · engine run budget {budget.TotalSeconds:F0} s");

        // WebApplicationFactory finds the app's content root through MvcTestingAppManifest.json in the working
        // directory (a test runner's is the output folder; `dotnet run`'s is where it was started).
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        await using var server = new KestrelTestHost(environment: "Production", configure: AsPublished);
        await using var browser = await BenchBrowser.StartAsync();

        var latency = new LatencyResult([], [], double.NaN);
        if (only is null or "latency")
        {
            Console.WriteLine("(a) small run, stats every step: streaming to an open run page...");
            latency = await LatencyBench.RunAsync(server, browser, steps: 2_000, budget);
        }
        var stream = new LatencyResult([], [], double.NaN);
        if (only is "stream")
        {
            Console.WriteLine($"(a') external run, one step every {LatencyBench.StepInterval.TotalMilliseconds:F0} ms through the ingest API, streaming to an open run page...");
            stream = await LatencyBench.RunAsync(server, browser, steps: 0, budget, external: true);
        }
        var render = new RenderResult(double.NaN, [], [], [], 0);
        if (only is null or "heatmap")
        {
            Console.WriteLine($"(b) writing a {HeatmapRenderBench.Layers} x {HeatmapRenderBench.Steps:N0} external run through the ingest API...");
            render = await HeatmapRenderBench.RunAsync(server, browser, coldRepeats: cold, warmRepeats: warm);
        }

        Console.WriteLine();
        Console.WriteLine($"{"measure",-58} {"p50 / value",12} {"p95",10} {"target",12}");
        Console.WriteLine(new string('-', 95));
        Row($"step end -> loss point in the page ({latency.Loss.Length} steps)", Pct(latency.Loss, 50), Pct(latency.Loss, 95), "p95 <= 250");
        Row($"step end -> heatmap column in the page ({latency.Heatmap.Length} steps)", Pct(latency.Heatmap, 50), Pct(latency.Heatmap, 95), "p95 <= 250");
        if (stream.Loss.Length > 0)
        {
            Row($"external run: step posted -> loss point ({stream.Loss.Length} steps)", Pct(stream.Loss, 50), Pct(stream.Loss, 95), "–");
            Row($"external run: step posted -> heatmap column ({stream.Heatmap.Length} steps)", Pct(stream.Heatmap, 50), Pct(stream.Heatmap, 95), "–");
        }
        Row($"heatmap {HeatmapRenderBench.Layers} x {HeatmapRenderBench.Steps:N0}, first render: first visit ({render.ColdMillis.Length} runs)",
            Pct(render.ColdMillis, 50), Pct(render.ColdMillis, 95), "<= 1500");
        Row($"same, returning visit ({render.WarmMillis.Length} runs; {render.Columns} columns drawn)", Pct(render.WarmMillis, 50), Pct(render.WarmMillis, 95), "<= 1500");
        Row($"same, first visit, run opened from the runs table ({render.FromTableMillis.Length})", Pct(render.FromTableMillis, 50), Pct(render.FromTableMillis, 95), "<= 1500");
        Console.WriteLine(new string('-', 95));
        Console.WriteLine($"times in ms · small-model step (median compute) {latency.StepMillis:F0} ms · ingest of the 1.01 M points {render.IngestSeconds:F1} s · bench {total.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine("step end = the step's batch reaching the live store (the engine emits it right after the step's compute and");
        Console.WriteLine("its device-to-host copy; stamped in-process); page side = performance.timeOrigin + performance.now() on a 5 ms poll");
        Console.WriteLine("of plotly's data; the run page pushes at most every 100 ms (throttle), which is part of the latency.");
        return 0;
    }

    /// <summary>
    /// Static assets as a published dashboard serves them: precompressed, and fingerprinted ones cached as immutable.
    /// From a build's manifest ASP.NET Core would patch them at run time for hot reload (no-cache, re-gzipped
    /// uncompressed), so every visit would download plotly.js whole again.
    /// </summary>
    private static void AsPublished(IWebHostBuilder builder)
    {
        builder.UseStaticWebAssets();
        builder.UseSetting("ReloadStaticAssetsAtRuntime", "false");
        builder.ConfigureLogging(l => l.AddFilter((_, level) => level >= LogLevel.Warning)); // the bench prints its own table
    }

    private static double Pct(double[] sorted, int p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

    private static void Row(string name, double p50, double p95, string target) =>
        Console.WriteLine($"{name,-58} {Fmt(p50),12} {Fmt(p95),10} {target,12}");

    private static string Fmt(double v) => double.IsNaN(v) ? "–" : v.ToString("F0", CultureInfo.InvariantCulture);
}
