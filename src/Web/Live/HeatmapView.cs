using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// The run page's layers × steps heatmap: the metric and role picked, the columns to draw first, and the bucketer that
/// turns each arriving batch into the columns it completes (see <see cref="HeatmapBucketer"/>). It is rebuilt from
/// every point only when the metric or role changes, when it is first shown, or past the column cap.
/// </summary>
public sealed class HeatmapView
{
    // The heatmap shows at most HeatmapBucketer.MaxColumns columns (each the worst of a bucket of steps).
    private HeatmapBucketer _buckets = new(1, lowerIsWorse: false);

    /// <summary>The per-layer metric shown.</summary>
    public string Metric { get; private set; } = MetricCatalog.OverflowFraction;

    /// <summary>The tensor role shown.</summary>
    public string Role { get; private set; } = TensorRoles.Input;

    /// <summary>The columns a new heatmap draws first (set by <see cref="Rebuild"/>).</summary>
    public IReadOnlyList<(int Step, float[] Row)> Initial { get; private set; } = [];

    /// <summary>Steps per column.</summary>
    public int StepsPerColumn => _buckets.Width;

    /// <summary>True when the live columns outgrew <see cref="HeatmapBucketer.MaxColumns"/>: rebuild with wider buckets.</summary>
    public bool Overflowed => _buckets.Columns > HeatmapBucketer.MaxColumns;

    /// <summary>Shows another metric and role (then <see cref="Rebuild"/>).</summary>
    public void Pick(string metric, string role)
    {
        Metric = metric;
        Role = role;
    }

    /// <summary>
    /// The columns from every point held: buckets sized for what an ended run has, or for a live run's planned steps
    /// (twice what is there when it has none or outgrew it); the bucket still filling is shown once the run ended.
    /// </summary>
    /// <param name="points">Every per-layer point of the run so far.</param>
    /// <param name="ended">True when the run no longer trains.</param>
    /// <param name="plannedSteps">The run's planned steps (0: not known).</param>
    /// <param name="viewportWidth">The browser's viewport width in CSS pixels (null: not known).</param>
    public void Rebuild(IReadOnlyList<LayerPoint> points, bool ended, int plannedSteps, int? viewportWidth)
    {
        var rows = ChartData.Rows(points, Metric, Role);
        var seen = rows.Count == 0 ? 0 : rows[^1].Step + 1;
        var expected = ended ? seen : Math.Max(plannedSteps, 2 * seen); // a live run without a plan (external) keeps growing
        // Drawn whole at once, an ended run's heatmap needs no more columns than its plot has pixels; a live one keeps
        // up to MaxColumns so that a new column stays one step (or a few) and appears as the step ends.
        var maxColumns = ended ? HeatmapBucketer.ColumnsFor(viewportWidth) : HeatmapBucketer.MaxColumns;
        _buckets = HeatmapBucketer.For(Metric, expected, maxColumns);
        var columns = _buckets.Add(rows).ToList();
        if (ended) columns.AddRange(_buckets.Flush());
        Initial = columns;
    }

    /// <summary>
    /// The columns an arriving batch completes (with the bucket still filling once the run ended), to append to the
    /// heatmap shown; check <see cref="Overflowed"/> after.
    /// </summary>
    public IReadOnlyList<(int Step, float[] Row)> Add(IReadOnlyList<LayerPoint> points, bool ended)
    {
        var columns = _buckets.Add(ChartData.Rows(points, Metric, Role)).ToList();
        if (ended) columns.AddRange(_buckets.Flush());
        return columns;
    }
}
