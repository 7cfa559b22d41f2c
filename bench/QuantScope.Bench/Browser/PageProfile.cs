using System.Text.Json;
using Microsoft.Playwright;

namespace QuantScope.Bench.Browser;

/// <summary>
/// The page's main-thread CPU profile (Chrome DevTools Protocol sampling profiler) over one render: self time per script
/// and the busiest functions, so that the time to first render can be split without counting the machine's other load.
/// </summary>
public static class PageProfile
{
    /// <summary>Starts sampling every 0.5 ms in the page's renderer (same-origin navigations stay in it).</summary>
    public static async Task<ICDPSession> StartAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 500 });
        await cdp.SendAsync("Profiler.start");
        return cdp;
    }

    /// <summary>Stops sampling and prints self time (ms) per script and for the top functions.</summary>
    public static async Task PrintAsync(ICDPSession cdp, int top = 12)
    {
        var result = await cdp.SendAsync("Profiler.stop") ?? throw new InvalidOperationException("no profile");
        var profile = result.GetProperty("profile");
        var nodes = profile.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetInt32());
        var samples = profile.GetProperty("samples").EnumerateArray().Select(s => s.GetInt32()).ToArray();
        var deltas = profile.GetProperty("timeDeltas").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        var byScript = new Dictionary<string, double>();
        var byFunction = new Dictionary<string, double>();
        for (var i = 0; i < samples.Length; i++)
        {
            // A sample's delta is the time since the previous one: charge it to the function sampled now.
            var frame = nodes[samples[i]].GetProperty("callFrame");
            var url = frame.GetProperty("url").GetString() ?? "";
            var function = frame.GetProperty("functionName").GetString() ?? "";
            var script = url.Length == 0 ? function : url[(url.LastIndexOf('/') + 1)..];
            var ms = (i + 1 < deltas.Length ? deltas[i + 1] : 0) / 1000;
            byScript[script] = byScript.GetValueOrDefault(script) + ms;
            var key = $"{script}:{frame.GetProperty("lineNumber").GetInt32()}:{frame.GetProperty("columnNumber").GetInt32()} {function}";
            byFunction[key] = byFunction.GetValueOrDefault(key) + ms;
        }
        // Timeline: per 100 ms since profiling started, the ms spent per script (idle left out).
        var bins = new SortedDictionary<int, Dictionary<string, double>>();
        var now = 0.0;
        for (var i = 0; i < samples.Length; i++)
        {
            now += deltas[i] / 1000;
            var frame = nodes[samples[i]].GetProperty("callFrame");
            var url = frame.GetProperty("url").GetString() ?? "";
            var script = url.Length == 0 ? frame.GetProperty("functionName").GetString() ?? "" : url[(url.LastIndexOf('/') + 1)..];
            if (script == "(idle)") continue;
            script = script.Split('.')[0];
            var bin = bins.TryGetValue((int)(now / 100), out var b) ? b : bins[(int)(now / 100)] = [];
            bin[script] = bin.GetValueOrDefault(script) + (i + 1 < deltas.Length ? deltas[i + 1] : 0) / 1000;
        }
        foreach (var (bin, scripts) in bins)
            Console.WriteLine($"      {bin * 100,5} ms busy {scripts.Values.Sum(),3:F0}: " + string.Join(" ", scripts.OrderByDescending(p => p.Value).Take(4).Select(p => $"{p.Key} {p.Value:F0}")));
        Console.WriteLine($"      main thread, ms of self time by script: " +
            string.Join(" · ", byScript.OrderByDescending(p => p.Value).Take(8).Select(p => $"{p.Key} {p.Value:F0}")));
        foreach (var (function, ms) in byFunction.OrderByDescending(p => p.Value).Take(top))
            Console.WriteLine($"      {ms,8:F1} ms  {function}");
    }
}
