using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;
using QuantScope.Tests.Shared;

namespace QuantScope.Bench.Browser;

/// <summary>
/// (a) Step end -> browser: a <c>small</c> engine run with every per-layer statistic on every step (stats every step,
/// error split every step, logged every step) streams to an open run page. For each step: the time its batch reached
/// the live store (the engine emits a step's batch right after its compute and its one device-to-host copy; an
/// in-process subscriber stamps it) to the time its point is in the loss chart's plotly data (and its column in the
/// heatmap's), stamped in the page with <c>performance.timeOrigin + performance.now()</c> by a 5 ms poll. Same machine,
/// same wall clock.
/// </summary>
public static class LatencyBench
{
    /// <summary>Installed before the page's scripts: records when each chart's x values grow, per new x value.</summary>
    private const string PollScript = """
        window.__arrivals = { 'loss-chart': [], 'saturation-heatmap': [] };
        setInterval(() => {
            const now = performance.timeOrigin + performance.now();
            for (const id of Object.keys(window.__arrivals)) {
                const d = document.getElementById(id);
                const x = d && d.data && d.data[0] && d.data[0].x;
                const seen = window.__arrivals[id];
                if (!x) continue;
                for (let i = seen.length; i < x.length; i++) seen.push([x[i], now]);
            }
        }, 5);
        """;

    /// <summary>Runs the bench; returns (loss latencies, heatmap latencies) in ms and the steps measured.</summary>
    public static async Task<LatencyResult> RunAsync(KestrelTestHost server, BenchBrowser browser, int steps, TimeSpan budget, bool external = false)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var published = new Dictionary<int, double>();
        var live = server.Services.GetRequiredService<LiveRunStore>();
        using var subscription = live.Subscribe(null);
        var recorder = RecordAsync(subscription, published);

        using var stop = new CancellationTokenSource();
        var created = external
            ? await http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "bench-latency-external", layers = ExternalLayers })
            : await http.PostAsJsonAsync("/api/runs", new
        {
            name = "bench-latency",
            model = "small",
            steps,
            logEvery = 1,
            batchSize = 2, seqLen = 32, // the small model's layers at a short batch: many steps within the budget
            stats = new { every = 1, errorSplitEvery = 1 },
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var feeder = external ? FeedAsync(http, id, stop.Token) : Task.CompletedTask;

        var page = await browser.NewPageAsync();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") Console.WriteLine($"    page {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => Console.WriteLine($"    page error: {e}");
        await page.AddInitScriptAsync(PollScript);
        if (HeatmapRenderBench.Trace) await page.AddInitScriptAsync(HeatmapRenderBench.TraceScript);
        await page.GotoAsync($"{server.BaseUrl}/runs/{id}");
        await page.WaitForSelectorAsync("#loss-chart .scatterlayer", new() { State = WaitForSelectorState.Attached, Timeout = 120_000 });
        var plottedAt = await page.EvaluateAsync<double>("() => performance.timeOrigin + performance.now()");

        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < budget)
        {
            var status = (await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("status").GetString();
            if (status is not ("running" or "pending")) break;
            await Task.Delay(1000);
        }
        await stop.CancelAsync();
        await feeder;
        await http.PostAsync(external ? $"/api/runs/{id}/finish" : $"/api/runs/{id}/cancel", null);
        await Task.Delay(1500); // the last throttled push (100 ms) reaches the page
        var arrivals = await page.EvaluateAsync<JsonElement>("() => window.__arrivals");
        if (HeatmapRenderBench.Trace) await PrintCallsAsync(page);
        subscription.Dispose();
        await recorder;

        double[] Latencies(string chart)
        {
            lock (published)
            {
                return arrivals.GetProperty(chart).EnumerateArray()
                    .Select(a => (Step: (int)a[0].GetDouble(), At: a[1].GetDouble()))
                    // Only steps that ended after the page was live: older ones arrive with the history, not pushed.
                    .Where(a => published.TryGetValue(a.Step, out var sent) && sent > plottedAt)
                    .Select(a => a.At - published[a.Step])
                    .Order().ToArray();
            }
        }
        var stepMillis = await StepMillisAsync(http, id);
        await page.Context.CloseAsync();
        // The run ends (a cancelled engine run stops at its next step) before anything else is measured.
        for (var i = 0; i < 600; i++)
        {
            var status = (await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("status").GetString();
            if (status is not ("running" or "pending")) break;
            await Task.Delay(100);
        }
        return new LatencyResult(Latencies("loss-chart"), Latencies("saturation-heatmap"), stepMillis);
    }

    // An external run shaped like the small model (4 blocks x 7 linears) that logs a step every StepInterval: the
    // dashboard's own latency, without the engine's compute competing for the 2 cores.
    private static readonly string[] ExternalLayers = [.. Enumerable.Range(0, 28).Select(i => $"model.layers.{i / 7}.proj{i % 7}")];

    /// <summary>Time between two steps of the external run.</summary>
    public static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(50);

    private static async Task FeedAsync(HttpClient http, Guid id, CancellationToken ct)
    {
        string[] metrics = [MetricCatalog.OverflowFraction, MetricCatalog.UnderflowFraction, MetricCatalog.Amax, MetricCatalog.AmaxPred,
            MetricCatalog.ErrorWeightOnly, MetricCatalog.ErrorInputOnly, MetricCatalog.ErrorBoth];
        try
        {
            for (var step = 0; !ct.IsCancellationRequested; step++)
            {
                var n = 1 + metrics.Length * ExternalLayers.Length;
                var steps = Enumerable.Repeat(step, n).ToArray();
                var names = new[] { MetricCatalog.Loss }.Concat(metrics.SelectMany(m => Enumerable.Repeat(m, ExternalLayers.Length))).ToArray();
                var layers = new string?[] { null }.Concat(metrics.SelectMany(_ => ExternalLayers)).ToArray();
                var roles = new string?[] { null }.Concat(Enumerable.Repeat((string?)TensorRoles.Input, n - 1)).ToArray();
                var values = Enumerable.Range(0, n).Select(i => i == 0 ? 5f / (1 + step / 100f) : 1e-3f * (1 + i % 13)).ToArray();
                (await http.PostAsJsonAsync($"/api/runs/{id}/metrics", new { steps, names, layers, roles, values }, ct)).EnsureSuccessStatusCode();
                await Task.Delay(StepInterval, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Per plotly call and chart: how many, and their main-thread time (median, max, total) while streaming.
    private static async Task PrintCallsAsync(IPage page)
    {
        var calls = await page.EvaluateAsync<JsonElement>("""
            () => { const by = {}; for (const [what, at, ms, size] of window.__trace) { (by[what] ??= []).push(what === 'ws frame' ? size : ms); }
                    return Object.entries(by).map(([k, v]) => { v.sort((a, b) => a - b); return [k, v.length, v[v.length >> 1], v[v.length - 1], v.reduce((a, b) => a + b, 0)]; }); }
            """);
        foreach (var c in calls.EnumerateArray())
            Console.WriteLine($"    {c[0].GetString(),-36} n {c[1].GetDouble(),6:F0}  median {c[2].GetDouble(),8:F1}  max {c[3].GetDouble(),8:F1}  total {c[4].GetDouble(),10:F0}");
    }

    private static async Task<double> StepMillisAsync(HttpClient http, Guid id)
    {
        var points = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric={MetricCatalog.StepMillis}");
        var values = (points.ValueKind == JsonValueKind.Array ? points : points.GetProperty("points")).EnumerateArray()
            .Select(p => p.GetProperty("value").GetDouble()).Order().ToArray();
        return values.Length == 0 ? double.NaN : values[values.Length / 2];
    }

    private static async Task RecordAsync(LiveSubscription subscription, Dictionary<int, double> published)
    {
        try
        {
            await foreach (var e in subscription.ReadAllAsync(CancellationToken.None))
            {
                if (e is not MetricsEvent m) continue;
                var now = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds; // same clock as the page's timeOrigin + now()
                lock (published)
                {
                    foreach (var p in m.Batch.Scalars.Where(p => p.Metric == MetricCatalog.Loss)) published.TryAdd(p.Step, now);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>Latencies in ms (ascending) of the loss chart's points and the heatmap's columns; the median step time.</summary>
public sealed record LatencyResult(double[] Loss, double[] Heatmap, double StepMillis);
