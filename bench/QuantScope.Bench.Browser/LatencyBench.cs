using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

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
    public static async Task<LatencyResult> RunAsync(BenchServer server, BenchBrowser browser, int steps, TimeSpan budget)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var published = new Dictionary<int, double>();
        var live = server.Services.GetRequiredService<LiveRunStore>();
        using var subscription = live.Subscribe(null);
        var recorder = RecordAsync(subscription, published);

        var created = await http.PostAsJsonAsync("/api/runs", new
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

        var page = await browser.NewPageAsync();
        await page.AddInitScriptAsync(PollScript);
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
        await http.PostAsync($"/api/runs/{id}/cancel", null);
        await Task.Delay(1500); // the last throttled push (200 ms) reaches the page
        var arrivals = await page.EvaluateAsync<JsonElement>("() => window.__arrivals");
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
        return new LatencyResult(Latencies("loss-chart"), Latencies("saturation-heatmap"), stepMillis);
    }

    private static async Task<double> StepMillisAsync(HttpClient http, Guid id)
    {
        var points = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/series?metric={MetricNames.StepMillis}");
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
                    foreach (var p in m.Batch.Scalars.Where(p => p.Metric == MetricNames.Loss)) published.TryAdd(p.Step, now);
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
