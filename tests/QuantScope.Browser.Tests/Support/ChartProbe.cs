using Microsoft.Playwright;

namespace QuantScope.Browser.Tests.Support;

/// <summary>Reads what plotly.js actually holds in the page (the graph div's <c>data</c>).</summary>
public static class ChartProbe
{
    /// <summary>Number of x values in a trace of the chart with that DOM id, or -1 when not plotted yet.</summary>
    public static Task<int> PointCountAsync(IPage page, string chartId, int trace = 0) =>
        page.EvaluateAsync<int>(
            "([id, t]) => { const d = document.getElementById(id); return d && d.data && d.data[t] && d.data[t].x ? d.data[t].x.length : -1; }",
            new object[] { chartId, trace });

    /// <summary>Number of z rows (steps) of the heatmap, or -1 when not plotted yet.</summary>
    public static Task<int> HeatmapStepsAsync(IPage page, string chartId) =>
        page.EvaluateAsync<int>(
            "id => { const d = document.getElementById(id); return d && d.data && d.data[0] && d.data[0].z ? d.data[0].z.length : -1; }",
            chartId);

    /// <summary>Polls until the condition holds or the timeout passes; returns the last value seen.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            value = await read();
        }
        return value;
    }
}
