using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// What the run page's views need of a run's points, kept as they arrive: the loss and held-out series, tokens seen
/// per step, the outlier-channel scalars, every other scalar's series (the curve picker's), every per-layer point (the
/// heatmap's pickers and the layer panel redraw from them) and each layer's latest input amax, amaxPred and overflow. Points must come in the
/// order the feed gives them (history, then live updates deduplicated by step); the float arrays are shared, not copied.
/// </summary>
public sealed class RunAggregates
{
    private readonly List<LayerPoint> _layerPoints = [];
    private readonly HashSet<(string Metric, string Role)> _recorded = [];
    private readonly List<ScalarPoint> _outliers = [];
    private readonly Dictionary<int, double> _tokens = [];
    private readonly List<(int Step, float Value)> _loss = [];
    private readonly List<(int Step, float Value)> _heldOut = [];
    private readonly List<(int Step, float Value)> _baselineHeldOut = [];
    private readonly Dictionary<string, List<(int Step, float Value)>> _scalars = new(StringComparer.Ordinal);
    // The latest point (highest step, the first of equals) of each metric the layer table shows, input role.
    private LayerPoint? _amax;
    private LayerPoint? _amaxPred;
    private LayerPoint? _overflow;

    /// <summary>Every per-layer point so far, in arrival order.</summary>
    public IReadOnlyList<LayerPoint> LayerPoints => _layerPoints;

    /// <summary>The per-layer metric names recorded so far for <paramref name="role"/> (any role when null), unordered.</summary>
    public IReadOnlyCollection<string> Recorded(string? role) =>
        _recorded.Where(r => role is null || r.Role == role).Select(r => r.Metric).ToHashSet(StringComparer.Ordinal);

    /// <summary>The roles recorded so far (the three tensor roles, and variants an import names, e.g. <c>input-columnwise</c>), unordered.</summary>
    public IReadOnlyCollection<string> RecordedRoles => _recorded.Select(r => r.Role).ToHashSet(StringComparer.Ordinal);

    /// <summary>The outlier-channel scalars so far (<see cref="MetricCatalog.OutlierPrefix"/>), in arrival order.</summary>
    public IReadOnlyList<ScalarPoint> OutlierScalars => _outliers;

    /// <summary>
    /// Every scalar metric recorded so far except the outlier channels (which the layer panel draws): the curve picker's
    /// choices, unordered.
    /// </summary>
    public IReadOnlyCollection<string> ScalarNames => _scalars.Keys;

    /// <summary>The series of scalar <paramref name="metric"/> so far, steps ascending (a copy; empty when never recorded).</summary>
    public IReadOnlyList<(int Step, float Value)> Scalar(string metric) =>
        _scalars.TryGetValue(metric, out var series) ? [.. series] : [];

    /// <summary>Takes the next points.</summary>
    public void Add(IEnumerable<ScalarPoint> scalars, IEnumerable<LayerPoint> layerPoints)
    {
        foreach (var p in scalars)
        {
            switch (p.Metric)
            {
                case MetricCatalog.Loss: Insert(_loss, p); break;
                case MetricCatalog.HeldOutLoss: Insert(_heldOut, p); break;
                case MetricCatalog.BaselineHeldOutLoss: Insert(_baselineHeldOut, p); break;
                case MetricCatalog.Tokens: _tokens[p.Step] = p.Value; break;
                default:
                    if (p.Metric.StartsWith(MetricCatalog.OutlierPrefix, StringComparison.Ordinal)) _outliers.Add(p);
                    break;
            }

            if (p.Metric.StartsWith(MetricCatalog.OutlierPrefix, StringComparison.Ordinal)) continue;
            if (!_scalars.TryGetValue(p.Metric, out var series)) _scalars[p.Metric] = series = [];
            Insert(series, p);
        }
        foreach (var p in layerPoints)
        {
            _layerPoints.Add(p);
            _recorded.Add((p.Metric, p.Role));
            if (p.Role != TensorRoles.Input) continue;
            switch (p.Metric)
            {
                case MetricCatalog.Amax: _amax = Later(_amax, p); break;
                case MetricCatalog.AmaxPred: _amaxPred = Later(_amaxPred, p); break;
                case MetricCatalog.OverflowFraction: _overflow = Later(_overflow, p); break;
            }
        }
    }

    /// <summary>The loss so far, steps ascending (a copy: a chart's first draw).</summary>
    public IReadOnlyList<(int Step, float Value)> Loss() => [.. _loss];

    /// <summary>Held-out loss and the baseline's, steps ascending (copies: a chart's first draw).</summary>
    public IReadOnlyList<IReadOnlyList<(int Step, float Value)>> Eval() => [[.. _heldOut], [.. _baselineHeldOut]];

    /// <summary>Tokens seen at <paramref name="step"/>, or null when not logged.</summary>
    public double? TokensAt(int step) => _tokens.TryGetValue(step, out var t) ? t : null;

    /// <summary>The layer table: each layer's latest input amax, amaxPred and overflow fraction (NaN where none yet).</summary>
    public IReadOnlyList<LayerSummary> Summary(IReadOnlyList<string> layers)
    {
        var amax = Values(_amax, layers.Count);
        var pred = Values(_amaxPred, layers.Count);
        var sat = Values(_overflow, layers.Count);
        return layers.Select((name, i) => new LayerSummary(name, amax[i], pred[i], sat[i])).ToList();
    }

    // Keeps the series sorted by step, a point after those of its step (a stable sort of the arrival order).
    private static void Insert(List<(int Step, float Value)> series, ScalarPoint p)
    {
        var at = series.Count;
        while (at > 0 && series[at - 1].Step > p.Step) at--;
        series.Insert(at, (p.Step, p.Value));
    }

    private static LayerPoint Later(LayerPoint? latest, LayerPoint p) => latest is null || p.Step > latest.Step ? p : latest;

    private static float[] Values(LayerPoint? latest, int layerCount)
    {
        var result = Enumerable.Repeat(float.NaN, layerCount).ToArray();
        if (latest is not null) Array.Copy(latest.Values, result, Math.Min(layerCount, latest.Values.Length));
        return result;
    }
}
