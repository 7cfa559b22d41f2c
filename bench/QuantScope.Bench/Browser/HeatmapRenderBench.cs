using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using QuantScope.Engine.Telemetry;
using QuantScope.Tests.Shared;

namespace QuantScope.Bench.Browser;

/// <summary>
/// (b) Time to first render of a 100-layer × 10,000-step heatmap: an external run is written through the ingest API
/// (overflow fraction of every layer on every step, plus the loss), then the run page is opened and timed from
/// navigation start to the heatmap on screen: its downsampled columns in plotly's data and its image painted (Element
/// Timing's render time). First visit: a new browser profile (empty HTTP and code caches); returning visit: the same
/// profile again, as a user's browser keeps it.
/// </summary>
public static class HeatmapRenderBench
{
    /// <summary>Layers of the synthetic run.</summary>
    public const int Layers = 100;

    /// <summary>Steps of the synthetic run.</summary>
    public const int Steps = 10_000;

    private const int StepsPerBatch = 500; // 50,500 points a batch: under the 100,000-point limit

    // Drawn: plotly holds the heatmap's columns and the browser has painted its image (Element Timing's render time:
    // a poll's own time would come late, since the page goes on drawing its other charts in the tasks that follow).
    private const string PlottedScript = """
        () => {
            const d = document.getElementById('saturation-heatmap');
            const done = d && d.data && d.data[0] && d.data[0].z && d.data[0].z.length > 0 && window.__heatPainted;
            return done ? [window.__heatPainted, d.data[0].z.length, window.__heatDiv || -1] : null;
        }
        """;

    /// <summary>Writes the run, then returns (ingest seconds, cold ms, warm ms each, columns drawn).</summary>
    public static async Task<RenderResult> RunAsync(KestrelTestHost server, BenchBrowser browser, int coldRepeats, int warmRepeats)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl), Timeout = TimeSpan.FromMinutes(5) };
        var layers = Enumerable.Range(0, Layers).Select(i => $"model.layers.{i / 7}.{Names[i % 7]}").ToArray();
        var created = await http.PostAsJsonAsync("/api/runs", new { kind = "external", name = "bench-heatmap-100x10000", layers });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var ingest = System.Diagnostics.Stopwatch.StartNew();
        for (var from = 0; from < Steps; from += StepsPerBatch)
        {
            var posted = await http.PostAsJsonAsync($"/api/runs/{id}/metrics", Batch(layers, from, Math.Min(StepsPerBatch, Steps - from)));
            posted.EnsureSuccessStatusCode();
        }
        (await http.PostAsJsonAsync($"/api/runs/{id}/finish", new { status = "completed" })).EnsureSuccessStatusCode();
        await WaitStoredAsync(http, id);
        ingest.Stop();

        // The server renders the page once first (an off-the-record browser context, sharing no cache with the profile
        // below): "cold" is a browser's first visit, not the first page a just-started server renders (JIT, first query).
        var serverWarmUp = await browser.NewContextAsync();
        await RenderAsync(serverWarmUp, $"{server.BaseUrl}/runs/{id}", quiet: true);
        await serverWarmUp.DisposeAsync();

        // Cold: a new browser profile's first visit, several times (each a browser of its own); warm: later visits of
        // the last profile, its HTTP and code caches kept as a returning user's browser keeps them.
        var url = $"{server.BaseUrl}/runs/{id}";
        var cold = new List<double>();
        var columns = 0;
        IBrowserContext? context = null;
        var profiles = new List<DirectoryInfo>();
        for (var i = 0; i < coldRepeats; i++)
        {
            if (context is not null) await context.DisposeAsync();
            profiles.Add(Directory.CreateTempSubdirectory("quantscope-bench-profile-"));
            context = await browser.NewProfileAsync(profiles[^1].FullName);
            var (millis, drawn) = await RenderAsync(context, url);
            cold.Add(millis);
            columns = drawn;
        }
        var warm = new List<double>();
        for (var i = 0; i < warmRepeats; i++) warm.Add((await RenderAsync(context!, url)).Millis);
        await context!.DisposeAsync();

        // From the runs table: a new profile's first visit opens the dashboard, the user reads the table for a while,
        // then clicks the run (Blazor navigates within the page); timed from the click.
        var fromTable = new List<double>();
        for (var i = 0; i < coldRepeats; i++)
        {
            profiles.Add(Directory.CreateTempSubdirectory("quantscope-bench-profile-"));
            await using var fresh = await browser.NewProfileAsync(profiles[^1].FullName);
            fromTable.Add((await RenderAsync(fresh, url, fromRunsTable: true)).Millis);
        }
        foreach (var profile in profiles) profile.Delete(recursive: true);
        return new RenderResult(ingest.Elapsed.TotalSeconds, [.. cold.Order()], [.. warm.Order()], [.. fromTable.Order()], columns);
    }

    /// <summary>Print each render's main-thread CPU profile (see <see cref="PageProfile"/>).</summary>
    public static bool Profile { get; set; }

    /// <summary>Print each page's timeline (big WebSocket frames, plotly calls) after its render.</summary>
    public static bool Trace { get; set; }

    private static async Task PrintTraceAsync(IPage page)
    {
        var trace = await page.EvaluateAsync<JsonElement>("""
            () => window.__trace.concat(performance.getEntriesByType('resource').filter(r => r.transferSize > 100_000 || r.name.includes('plot'))
                .map(r => ['fetched ' + r.name.split('/').pop().slice(0, 30), r.startTime, r.responseEnd - r.startTime, r.transferSize]))
                .sort((a, b) => a[1] - b[1])
            """);
        foreach (var e in trace.EnumerateArray())
        {
            var (what, at, ms, size) = (e[0].GetString(), e[1].GetDouble(), e[2].GetDouble(), e[3].GetDouble());
            if (what == "ws frame" && size < 10_000) continue;
            Console.WriteLine($"      {at,8:F0} ms  {what,-40} {(ms > 0 ? $"{ms:F0} ms" : ""),8} {(size > 0 ? $"{size / 1024:F0} KB" : "")}");
        }
    }

    private static readonly string[] Names =
        ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];

    // Overflow fraction: a low floor that grows with depth, with rare one-step spikes (what the max buckets must keep).
    private static object Batch(string[] layers, int from, int count)
    {
        var n = count * (layers.Length + 1);
        var steps = new int[n];
        var names = new string[n];
        var layerColumn = new string?[n];
        var roles = new string?[n];
        var values = new float[n];
        var i = 0;
        for (var s = from; s < from + count; s++)
        {
            (steps[i], names[i], values[i]) = (s, MetricCatalog.Loss, 5f * MathF.Exp(-s / 4000f) + 1f);
            i++;
            for (var l = 0; l < layers.Length; l++, i++)
            {
                var spike = (s * 31 + l * 17) % 997 == 0 ? 0.2f : 0f;
                (steps[i], names[i], layerColumn[i], roles[i]) = (s, MetricCatalog.OverflowFraction, layers[l], TensorRoles.Input);
                values[i] = 1e-4f * (1 + l % 10) * (1 + s / 2000f) + spike;
            }
        }
        return new { steps, names, layers = layerColumn, roles, values };
    }

    private static async Task WaitStoredAsync(HttpClient http, Guid id)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var run = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}");
            if (run.GetProperty("lastStep").GetInt32() >= Steps - 1 && run.GetProperty("status").GetString() == "completed") return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the external run was not stored within 60 s");
    }

    private const string StuckScript = """
        () => {
            const heat = document.getElementById('saturation-heatmap');
            return JSON.stringify({
                plotly: !!window.Plotly,
                charts: [...document.querySelectorAll('.plot')].map(d => [d.id, !!d.data, !!d.__quantscopeQueued]),
                heatmapColumns: heat && heat.data && heat.data[0] && heat.data[0].z ? heat.data[0].z.length : -1,
            });
        }
        """;

    // Stamps when the server's render put the heatmap's div in the DOM (before plotly draws into it), and marks the
    // heatmap's image for Element Timing as plotly inserts it (the observer runs before the next paint), keeping the
    // time the browser painted it (ms since navigation start).
    private const string DivScript = """
        new MutationObserver((_, o) => { if (document.getElementById('saturation-heatmap')) { window.__heatDiv = performance.now(); o.disconnect(); } })
            .observe(document, { childList: true, subtree: true });
        new MutationObserver((_, o) => {
            const image = document.querySelector('#saturation-heatmap .heatmaplayer image');
            if (!image) return;
            image.setAttribute('elementtiming', 'heatmap');
            o.disconnect();
        }).observe(document, { childList: true, subtree: true });
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) if (e.identifier === 'heatmap') window.__heatPainted = e.renderTime || e.loadTime;
        }).observe({ type: 'element', buffered: true });
        """;

    // Where the time goes: WebSocket frames received (SignalR: render batches, JS interop calls) and plotly calls,
    // each stamped with performance.now() (ms since navigation start) and its duration in the page's main thread.
    internal const string TraceScript = """
        window.__trace = [];
        const T = (what, at, ms, size) => window.__trace.push([what, at, ms, size]);
        const NativeSocket = window.WebSocket;
        window.WebSocket = function (...a) {
            const ws = new NativeSocket(...a);
            ws.addEventListener('message', e => T('ws frame', performance.now(), 0, e.data.byteLength ?? e.data.length));
            return ws;
        };
        window.WebSocket.prototype = NativeSocket.prototype;
        Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
        const wrap = plotly => {
            T('plotly.js evaluated', performance.now(), 0, 0);
            for (const f of ['newPlot', 'react', 'extendTraces', 'relayout', 'restyle']) {
                const inner = plotly[f];
                plotly[f] = function (gd, ...rest) {
                    const t0 = performance.now();
                    const result = inner.call(this, gd, ...rest);
                    const id = typeof gd === 'string' ? gd : gd && gd.id;
                    T(f + ' ' + id, t0, performance.now() - t0, 0);
                    return result;
                };
            }
        };
        // When plotly.js puts the heatmap's image in the page, and the next frame after it (the image on screen).
        new MutationObserver((_, o) => {
            if (!document.querySelector('#saturation-heatmap .heatmaplayer image')) return;
            o.disconnect();
            T('heatmap image inserted', performance.now(), 0, 0);
            requestAnimationFrame(() => T('heatmap image: next frame', performance.now(), 0, 0));
        }).observe(document, { childList: true, subtree: true });
        let plotly;
        Object.defineProperty(window, 'Plotly', { configurable: true, get: () => plotly, set: v => { plotly = v; if (v) wrap(v); } });
        """;

    /// <summary>How long a user looks at the runs table before clicking a run.</summary>
    private static readonly TimeSpan ReadingTime = TimeSpan.FromSeconds(2);

    // Opens the run page at url (or, fromRunsTable, the runs table first, then clicks the run's link there) and returns
    // when its heatmap was painted: ms since navigation start (or since the click) and the columns drawn.
    private static async Task<(double Millis, int Columns)> RenderAsync(IBrowserContext context, string url, bool quiet = false,
        bool fromRunsTable = false)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") Console.WriteLine($"    page {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => Console.WriteLine($"    page error: {e}");
        await page.AddInitScriptAsync(DivScript);
        await page.AddInitScriptAsync(TraceScript);
        ICDPSession? profile = null;
        if (Profile && !quiet)
        {
            // Profiling starts in the renderer of the app's origin: a first same-origin page, then the run page.
            await page.GotoAsync(new Uri(url).GetLeftPart(UriPartial.Authority) + "/favicon.svg");
            profile = await PageProfile.StartAsync(page);
        }
        var clickAt = 0.0;
        if (fromRunsTable)
        {
            var path = new Uri(url).AbsolutePath;
            await page.GotoAsync(new Uri(url).GetLeftPart(UriPartial.Authority) + "/");
            await page.WaitForSelectorAsync($"#runs-table a[href='{path}']", new() { Timeout = 60_000 });
            await Task.Delay(ReadingTime);
            clickAt = await page.EvaluateAsync<double>("() => performance.now()");
            await page.ClickAsync($"#runs-table a[href='{path}']");
        }
        else
        {
            await page.GotoAsync(url);
        }
        IJSHandle handle;
        try
        {
            handle = await page.WaitForFunctionAsync(PlottedScript, null,
                new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = 120_000 });
        }
        catch (TimeoutException)
        {
            // What the page had when it gave up: each chart (drawn, queued for drawing) and the heatmap's data.
            Console.WriteLine(await page.EvaluateAsync<string>(StuckScript));
            throw;
        }
        var drawn = await handle.JsonValueAsync<double[]>();
        if (Trace && !quiet) await PrintTraceAsync(page);
        if (profile is not null && !quiet) await PageProfile.PrintAsync(profile);
        await page.CloseAsync();
        if (!quiet && fromRunsTable) Console.WriteLine($"    from the runs table: heatmap drawn {drawn[0] - clickAt:F0} ms after the click");
        else if (!quiet) Console.WriteLine($"    heatmap div in the DOM at {drawn[2]:F0} ms, drawn at {drawn[0]:F0} ms after navigation start");
        return (drawn[0] - clickAt, (int)drawn[1]);
    }
}

/// <summary>
/// Ingest time (s); first-render times in ms, each sorted: first and returning visits (since navigation start), and from
/// the runs table of a first visit (since the click); columns drawn.
/// </summary>
public sealed record RenderResult(double IngestSeconds, double[] ColdMillis, double[] WarmMillis, double[] FromTableMillis, int Columns);
