using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// Downsamples a layers × steps heatmap for the view: steps are grouped into buckets of <see cref="Width"/> steps
/// (bucket k holds steps k·W … k·W+W−1) and each layer keeps its worst value in the bucket — the metric's
/// <see cref="MetricInfo.Aggregation"/> in the catalog: the max, or the min where lower is worse (SQNR) — so a one-step saturation spike still shows. A column is emitted once its
/// bucket is complete (its last step arrived, or a later bucket started); <see cref="Flush"/> emits the bucket still
/// filling when the run has ended. Exports read the store and stay at full resolution.
/// </summary>
public sealed class HeatmapBucketer
{
    /// <summary>Most columns the run page's heatmap shows (100 layers × 2,000 columns plot in well under a second).</summary>
    public const int MaxColumns = 2_000;

    private readonly bool _lowerIsWorse;
    private int _bucket = int.MinValue;
    private float[]? _worst;
    private int _lastEmitted = int.MinValue;

    /// <summary>A bucketer of <paramref name="width"/> steps per column.</summary>
    public HeatmapBucketer(int width, bool lowerIsWorse)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Width = width;
        _lowerIsWorse = lowerIsWorse;
    }

    /// <summary>Steps per column (1: full resolution).</summary>
    public int Width { get; }

    /// <summary>Columns emitted so far.</summary>
    public int Columns { get; private set; }

    /// <summary>Fewest columns a heatmap sized to a narrow window still gets.</summary>
    public const int MinColumns = 200;

    // The heatmap's plot area is the viewport less its left margin (230 px of layer names), its colour bar and the
    // page's paddings: about 330 CSS pixels.
    private const int ChromePixels = 330;

    /// <summary>
    /// Columns for a heatmap drawn whole at once (an ended run) in a page <paramref name="viewportWidth"/> CSS pixels
    /// wide: about one per pixel of its plot area (more cannot be seen; plotly's draw time grows with the cells), within
    /// [<see cref="MinColumns"/>, <see cref="MaxColumns"/>]; <see cref="UnknownWidthColumns"/> when the width is unknown.
    /// </summary>
    public static int ColumnsFor(int? viewportWidth) => viewportWidth is { } width
        ? Math.Clamp(width - ChromePixels, MinColumns, MaxColumns)
        : UnknownWidthColumns;

    /// <summary>Columns of an ended run's heatmap when the page's width is not known yet: a laptop screen's plot area.</summary>
    public const int UnknownWidthColumns = 1_000;

    /// <summary>The bucketer for <paramref name="metric"/> over about <paramref name="expectedSteps"/> steps.</summary>
    public static HeatmapBucketer For(string metric, int expectedSteps, int maxColumns = MaxColumns) =>
        new(WidthFor(expectedSteps, maxColumns), LowerIsWorse(metric));

    /// <summary>Steps per column so that <paramref name="steps"/> steps fit in <paramref name="maxColumns"/> columns.</summary>
    public static int WidthFor(int steps, int maxColumns = MaxColumns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 1);
        return Math.Max(1, (int)((Math.Max(0L, steps) + maxColumns - 1) / maxColumns));
    }

    /// <summary>True for metrics where a lower value is the worse one (the bucket keeps its min).</summary>
    public static bool LowerIsWorse(string metric) =>
        MetricCatalog.TryGet(metric, out var info) && info.Aggregation == BucketAggregation.Min;

    /// <summary>
    /// Takes rows in ascending step order (one per step, over layers) and returns the columns they complete, each at
    /// its bucket's first step. Rows at or before an emitted bucket are ignored.
    /// </summary>
    public IReadOnlyList<(int Step, float[] Row)> Add(IEnumerable<(int Step, float[] Row)> rows)
    {
        var done = new List<(int Step, float[] Row)>();
        foreach (var (step, row) in rows)
        {
            var bucket = Math.DivRem(step, Width, out var within);
            if (within < 0) (bucket, within) = (bucket - 1, within + Width); // negative steps: floor division
            if (bucket <= _lastEmitted || bucket < _bucket) continue; // out of order: its column is drawn or passed
            if (bucket != _bucket)
            {
                Emit(done);
                _bucket = bucket;
                _worst = Enumerable.Repeat(float.NaN, row.Length).ToArray();
            }
            Merge(row);
            if (within == Width - 1) Emit(done);
        }
        return done;
    }

    /// <summary>The bucket still filling as a column (run ended), or nothing.</summary>
    public IReadOnlyList<(int Step, float[] Row)> Flush()
    {
        var done = new List<(int Step, float[] Row)>();
        Emit(done);
        return done;
    }

    private void Emit(List<(int Step, float[] Row)> done)
    {
        if (_worst is null) return;
        done.Add((_bucket * Width, _worst));
        _lastEmitted = _bucket;
        _worst = null;
        Columns++;
    }

    private void Merge(float[] row)
    {
        if (row.Length > _worst!.Length)
        {
            var wider = Enumerable.Repeat(float.NaN, row.Length).ToArray();
            _worst.CopyTo(wider, 0);
            _worst = wider;
        }
        for (var l = 0; l < row.Length; l++)
        {
            var v = row[l];
            if (float.IsNaN(v)) continue; // not measured: never the worst
            var w = _worst[l];
            if (float.IsNaN(w) || (_lowerIsWorse ? v < w : v > w)) _worst[l] = v;
        }
    }
}
