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

    /// <summary>Every measured cell of the heatmap (its z without the gaps), empty when not plotted yet.</summary>
    public static Task<double[]> HeatmapValuesAsync(IPage page, string chartId) =>
        page.EvaluateAsync<double[]>(
            "id => { const d = document.getElementById(id); return d && d.data ? d.data[0].z.flat().filter(v => v !== null) : []; }",
            chartId);

    /// <summary>
    /// The viewport position (CSS pixels, what <c>page.Mouse</c> takes) after scrolling the chart into view of the heatmap cell at <paramref name="step"/> and row <paramref name="layerIndex"/>,
    /// from plotly's own axes (<c>_fullLayout</c> <c>d2p</c> plus the axis offsets and the div's bounding box), and the
    /// layer name of that row. The cell's column is the one whose x value is nearest to <paramref name="step"/>.
    /// Also records plotly_click events in <c>window.__clicks</c> for failure messages.
    /// </summary>
    public static async Task<HeatmapCell> HeatmapCellAsync(IPage page, string chartId, int step, int layerIndex)
    {
        var cell = await page.EvaluateAsync<System.Text.Json.JsonElement>(
            @"([id, step, row]) => {
                const gd = document.getElementById(id);
                const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                const xs = gd.data[0].x, layer = gd.data[0].y[row];
                const x = xs.reduce((best, v) => Math.abs(v - step) < Math.abs(best - step) ? v : best, xs[0]);
                gd.scrollIntoView({ block: 'center' });
                const box = gd.getBoundingClientRect();
                if (!gd.__clickProbe) {
                    gd.__clickProbe = true; window.__clicks = [];
                    gd.on('plotly_click', e => window.__clicks.push(e.points.map(p => ({ x: p.x, y: p.y, pointNumber: p.pointNumber }))));
                }
                return { layer, x: box.left + xa._offset + xa.d2p(x), y: box.top + ya._offset + ya.d2p(layer) };
            }",
            new object[] { chartId, step, layerIndex });
        return new HeatmapCell(cell.GetProperty("layer").GetString()!, cell.GetProperty("x").GetSingle(), cell.GetProperty("y").GetSingle());
    }

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

