using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>Pure conversions from telemetry points to what the charts plot. NaN/Inf become null (a gap in the chart).</summary>
public static class ChartData
{
    /// <summary>A finite value, or null for plotting gaps (JSON cannot carry NaN to plotly.js).</summary>
    public static object? Plottable(float value) => float.IsFinite(value) ? value : null;

    /// <summary>The (step, value) pairs of one per-step metric.</summary>
    public static IReadOnlyList<(int Step, float Value)> Scalar(IEnumerable<ScalarPoint> points, string metric) =>
        points.Where(p => p.Metric == metric).OrderBy(p => p.Step).Select(p => (p.Step, p.Value)).ToList();

    /// <summary>The rows (one per step, over layers) of one per-layer metric and role.</summary>
    public static IReadOnlyList<(int Step, float[] Row)> Rows(IEnumerable<LayerPoint> points, string metric, string role) =>
        points.Where(p => p.Metric == metric && p.Role == role).OrderBy(p => p.Step).Select(p => (p.Step, p.Values)).ToList();

    /// <summary>One layer's (step, value) pairs of a per-layer metric and role.</summary>
    public static IReadOnlyList<(int Step, float Value)> Layer(IEnumerable<LayerPoint> points, string metric, string role, int layer) =>
        Rows(points, metric, role).Where(r => layer < r.Row.Length).Select(r => (r.Step, r.Row[layer])).ToList();

    /// <summary>The latest value of each layer for a metric and role (NaN where none yet).</summary>
    public static float[] Latest(IEnumerable<LayerPoint> points, string metric, string role, int layerCount)
    {
        var last = points.Where(p => p.Metric == metric && p.Role == role).MaxBy(p => p.Step);
        var result = Enumerable.Repeat(float.NaN, layerCount).ToArray();
        if (last is not null) Array.Copy(last.Values, result, Math.Min(layerCount, last.Values.Length));
        return result;
    }

    /// <summary>The layer the amax panel opens on: the first MLP down projection (FC2), else the first layer.</summary>
    public static int DefaultLayer(IReadOnlyList<string> layers)
    {
        var index = layers.ToList().FindIndex(l => l.EndsWith("mlp.down_proj", StringComparison.Ordinal));
        return Math.Max(0, index);
    }
}
