using Microsoft.AspNetCore.Components;
using QuantScope.Data;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Compare;
using QuantScope.Web.Components.Charts;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// One run: history from the store, then live updates pushed to the charts every ~100 ms by appending. Pickers switch
/// the heatmap's metric and role (the heatmap is recreated from the points held here); a heatmap click opens that layer.
/// </summary>
public partial class RunPage
{
    // The feed holds the first new point for one interval before the push (coalescing what follows), so a point waits
    // up to this long: 200 ms alone left no room under the 250 ms p95 target for the round trip and the redraws. The
    // next push is read only after the page has applied this one, so a slow browser gets fewer, larger pushes.
    private static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(100);
    private static readonly IReadOnlyList<string> LossTraces = [MetricCatalog.Loss];
    // The page answers its width within a round trip (it is asked before plotly.js evaluates).
    private static readonly IReadOnlyList<string> EvalTraces = [MetricCatalog.HeldOutLoss, MetricCatalog.BaselineHeldOutLoss];
    // The coordinator stores the summary before it announces the end; the retries only cover a store that lags.
    private static readonly TimeSpan SummaryRetryDelay = TimeSpan.FromMilliseconds(500);
    private const int SummaryAttempts = 5;

    private readonly CancellationTokenSource _cts = new();
    // Every point of the run so far (history, then live): the float arrays are shared with the feed, not copied.
    private readonly List<LayerPoint> _layerPoints = [];
    private readonly List<ScalarPoint> _scalars = [];
    private readonly Dictionary<int, double> _tokens = [];
    private RunFeed? _feed;
    private bool _missing;
    private RunStatus _status;
    private string? _error;
    private int _lastStep = -1;
    private int _steps;
    private IReadOnlyList<string> _layers = [];
    private int _layerIndex;
    private string _heatMetric = MetricCatalog.OverflowFraction;
    private string _heatRole = TensorRoles.Input;
    private int _heatKey;
    private bool _lossByTokens;
    private bool _hasEval;
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _lossInitial = [];
    private IReadOnlyList<(int Step, float[] Row)> _heatInitial = [];
    // The heatmap shows at most HeatmapBucketer.MaxColumns columns (each the worst of a bucket of steps).
    private HeatmapBucketer _heatBuckets = new(1, lowerIsWorse: false);
    // The browser's viewport width in CSS pixels (null: not known): an ended run's heatmap gets about a column per pixel.
    private int? _viewportWidth;
    private IReadOnlyList<LayerSummary> _summary = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _evalInitial = [];
    private EffectivePlanDto? _plan;
    private IReadOnlyDictionary<string, string> _config = new Dictionary<string, string>();
    private RunSummary? _runSummary;
    private bool _summaryLoading;
    private LiveLineChart? _loss;
    private SaturationHeatmap? _heatmap;
    private LayerPanel? _layerPanel;
    private LiveLineChart? _eval;
    private bool _consuming;

    /// <summary>The run's id, from the address.</summary>
    [Parameter] public Guid Id { get; set; }

    [Inject] private LiveRunStore Live { get; set; } = default!;
    [Inject] private RunRepository Runs { get; set; } = default!;
    [Inject] private MetricSeriesRepository Series { get; set; } = default!;
    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private RunControl Control { get; set; } = default!;
    [Inject] private ILogger<RunPage> Log { get; set; } = default!;
    [Inject] private Microsoft.JSInterop.IJSRuntime JS { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    // The checkpoint an interrupted, failed or cancelled engine run can resume from (null = no Resume button).
    private int? _resumeFrom;

    private string HeatLabel => MetricOptions.LabelOf(MetricOptions.Heatmap, _heatMetric);

    private string HeatTitle => $"{HeatLabel} · {_heatRole} · layers × steps";

    private Func<int, double?>? LossXOf => _lossByTokens ? TokensAt : null;

    private string ExportUrl(string file) => $"/api/runs/{Id}/{file}?metric={_heatMetric}&role={_heatRole}";

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        // plot.js loads in the browser while the history is read here; the page's width comes back with it when the
        // browser answers in time (it is busy evaluating plotly.js then): not waited for, the heatmap then gets
        // HeatmapBucketer.UnknownWidthColumns columns.
        var preload = Plot.PreloadAsync(JS);
        var feed = await RunFeed.OpenAsync(Id, Live, Runs, Series, _cts.Token);
        // Before _feed is set: the page renders at each await, and must not render a half-read run.
        if (preload.IsCompletedSuccessfully) _viewportWidth = preload.Result;
        _feed = feed;
        if (_feed is null)
        {
            _missing = true;
            return;
        }
        var run = _feed.Run;
        _status = run.Status;
        _error = run.Error;
        _steps = RunConfigSummary.Steps(run.ConfigJson);
        _layers = run.GetLayers();
        _plan = RunOverviews.ReadPlan(run.PlanJson);
        _config = ConfigFlattener.Flatten(run.ConfigJson);
        Take(_feed.HistoryScalars, _feed.HistoryLayerPoints);
        _lossInitial = [ChartData.Scalar(_scalars, MetricCatalog.Loss)];
        _lastStep = Math.Max(run.LastStep, _feed.HistoryScalars.Select(p => p.Step).DefaultIfEmpty(-1).Max());
        BuildHeatmapView();
        _layerIndex = ChartData.DefaultLayer(_layers);
        _summary = Summarize();
        // A run that trains (again: a resumed one keeps its last segment's summary until it ends) shows none yet.
        _runSummary = IsEnded(_status) ? RunOverviews.ReadSummary(run.SummaryJson) : null;
        _evalInitial = EvalSeries();
        _hasEval = _evalInitial.Any(s => s.Count > 0);
        if (run.Kind == RunKinds.Engine && _status is RunStatus.Interrupted or RunStatus.Failed or RunStatus.Cancelled)
            _resumeFrom = QuantScope.Engine.Training.CheckpointWriter.LatestResumable(Coordinator.TrainerOptions.CheckpointDirectory!, Id);
    }

    /// <inheritdoc />
    protected override void OnAfterRender(bool firstRender)
    {
        // Live pushes start only after the page (and so the charts) rendered once.
        if (_feed is null || _consuming) return;
        _consuming = true;
        _ = ConsumeAsync(_feed, _cts.Token);
    }

    private async Task ConsumeAsync(RunFeed feed, CancellationToken ct)
    {
        try
        {
            await foreach (var update in feed.UpdatesAsync(Throttle, ct))
            {
                await InvokeAsync(() => ApplyAsync(update));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.LogWarning(ex, "Live updates of run {RunId} stopped", Id);
        }
    }

    private void Take(IEnumerable<ScalarPoint> scalars, IEnumerable<LayerPoint> layerPoints)
    {
        foreach (var p in scalars)
        {
            _scalars.Add(p);
            if (p.Metric == MetricCatalog.Tokens) _tokens[p.Step] = p.Value;
        }
        _layerPoints.AddRange(layerPoints);
    }

    private async Task ApplyAsync(RunFeedUpdate update)
    {
        if (update.Status is { } status)
        {
            _status = status.Status;
            _error = status.Error ?? _error;
            if (status.Layers is { Count: > 0 } layers && _layers.Count == 0)
            {
                _layers = layers;
                _layerIndex = ChartData.DefaultLayer(_layers);
            }
            if (IsEnded(_status) && _runSummary is null) _ = LoadSummaryAsync(_cts.Token);
        }
        if (update.Scalars.Count > 0) _lastStep = Math.Max(_lastStep, update.Scalars.Max(p => p.Step));
        Take(update.Scalars, update.LayerPoints);
        // Decided here, synchronously: a chart not rendered yet gets its points through Initial when it first renders.
        var evalPoints = update.Scalars.Where(IsEvalPoint).ToList();
        var appendEval = _eval is not null;
        if (!appendEval && evalPoints.Count > 0)
        {
            _evalInitial = EvalSeries();
            _hasEval = true;
        }
        if (_layers.Count > 0) _summary = Summarize();
        var heatmap = _heatmap;
        if (heatmap is null && _layers.Count > 0) BuildHeatmapView(); // first drawn from every point held
        StateHasChanged();

        // Every chart's push is sent at once and awaited together: the page applies them in order, and no chart waits
        // for another's round trip and redraw (each awaited in turn, the heatmap's column came a loss redraw later).
        var pushes = new List<Task>();
        if (_loss is not null) pushes.Add(_loss.AppendAsync(0, ChartData.Scalar(update.Scalars, MetricCatalog.Loss)));
        if (appendEval)
        {
            pushes.Add(_eval!.AppendAsync(
            [
                (0, ChartData.Scalar(evalPoints, MetricCatalog.HeldOutLoss)),
                (1, ChartData.Scalar(evalPoints, MetricCatalog.BaselineHeldOutLoss)),
            ]));
        }
        if (heatmap is not null) pushes.Add(AppendHeatmapAsync(heatmap, update.LayerPoints));
        if (_layerPanel is not null) pushes.Add(_layerPanel.AppendAsync(update.LayerPoints));
        await Task.WhenAll(pushes);
    }

    private void OnHeatMetric(ChangeEventArgs e)
    {
        _heatMetric = e.Value?.ToString() ?? MetricCatalog.OverflowFraction;
        RebuildHeatmap();
    }

    private void OnHeatRole(ChangeEventArgs e)
    {
        _heatRole = e.Value?.ToString() ?? TensorRoles.Input;
        RebuildHeatmap();
    }

    private void RebuildHeatmap()
    {
        BuildHeatmapView();
        _heatKey++;
    }

    // The heatmap's columns from every point held: buckets sized for what an ended run has, or for a live run's planned
    // steps (twice what is there when it has none or outgrew it); the bucket still filling is shown once the run ended.
    private void BuildHeatmapView()
    {
        var rows = ChartData.Rows(_layerPoints, _heatMetric, _heatRole);
        var seen = rows.Count == 0 ? 0 : rows[^1].Step + 1;
        var expected = IsEnded(_status) ? seen : Math.Max(_steps, 2 * seen); // a live run without a plan (external) keeps growing
        // Drawn whole at once, an ended run's heatmap needs no more columns than its plot has pixels; a live one keeps
        // up to MaxColumns so that a new column stays one step (or a few) and appears as the step ends.
        var maxColumns = IsEnded(_status) ? HeatmapBucketer.ColumnsFor(_viewportWidth) : HeatmapBucketer.MaxColumns;
        _heatBuckets = HeatmapBucketer.For(_heatMetric, expected, maxColumns);
        var columns = _heatBuckets.Add(rows).ToList();
        if (IsEnded(_status)) columns.AddRange(_heatBuckets.Flush());
        _heatInitial = columns;
    }

    // Live: completed buckets are appended; past the column cap the heatmap is redrawn with wider buckets.
    private async Task AppendHeatmapAsync(SaturationHeatmap heatmap, IReadOnlyList<LayerPoint> points)
    {
        var columns = _heatBuckets.Add(ChartData.Rows(points, _heatMetric, _heatRole)).ToList();
        if (IsEnded(_status)) columns.AddRange(_heatBuckets.Flush());
        if (_heatBuckets.Columns > HeatmapBucketer.MaxColumns)
        {
            RebuildHeatmap();
            StateHasChanged();
            return;
        }
        await heatmap.AppendAsync(columns);
    }

    private void OnLossAxis(ChangeEventArgs e)
    {
        _lossByTokens = e.Value?.ToString() == "tokens";
        _lossInitial = [ChartData.Scalar(_scalars, MetricCatalog.Loss)];
    }

    private double? TokensAt(int step) => _tokens.TryGetValue(step, out var t) ? t : null;

    private void OnLayerClicked(string layer)
    {
        var index = _layers.ToList().IndexOf(layer);
        if (index >= 0) _layerIndex = index;
    }

    private void OnLayerIndexChanged(int index) => _layerIndex = index;

    // Reads the summary stored with the run, retrying a few times (see SummaryRetryDelay).
    private async Task LoadSummaryAsync(CancellationToken ct)
    {
        if (_summaryLoading) return;
        _summaryLoading = true;
        try
        {
            for (var attempt = 0; attempt < SummaryAttempts && _runSummary is null; attempt++)
            {
                if (attempt > 0) await Task.Delay(SummaryRetryDelay, ct);
                var run = await Runs.GetAsync(Id, ct);
                var summary = RunOverviews.ReadSummary(run?.SummaryJson);
                if (summary is null) continue;
                await InvokeAsync(() =>
                {
                    _runSummary = summary;
                    _plan ??= RunOverviews.ReadPlan(run?.PlanJson);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.LogWarning(ex, "Loading the summary of run {RunId} failed", Id);
        }
        finally
        {
            _summaryLoading = false;
        }
    }

    private static bool IsEnded(RunStatus status) => status is not (RunStatus.Pending or RunStatus.Running);

    private async Task CancelAsync()
    {
        try
        {
            // Wherever it trains: this host, a cluster worker, or another dashboard host (Redis).
            if (!await Control.CancelAsync(Id, _cts.Token)) _error = "The run is not training any more.";
        }
        catch (IOException ex)
        {
            _error = ex.Message;
        }
    }

    private async Task ResumeAsync()
    {
        try
        {
            await Coordinator.ResumeAsync(Id, _cts.Token);
            Navigation.NavigateTo($"/runs/{Id}", forceLoad: true); // a fresh page: history up to now, then the live feed
        }
        catch (RunResumeException ex)
        {
            _error = ex.Message;
            _resumeFrom = null;
        }
    }

    private static bool IsEvalPoint(ScalarPoint p) => p.Metric is MetricCatalog.HeldOutLoss or MetricCatalog.BaselineHeldOutLoss;

    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> EvalSeries() =>
    [
        ChartData.Scalar(_scalars, MetricCatalog.HeldOutLoss),
        ChartData.Scalar(_scalars, MetricCatalog.BaselineHeldOutLoss),
    ];

    private IReadOnlyList<LayerSummary> Summarize()
    {
        var amax = ChartData.Latest(_layerPoints, MetricCatalog.Amax, TensorRoles.Input, _layers.Count);
        var pred = ChartData.Latest(_layerPoints, MetricCatalog.AmaxPred, TensorRoles.Input, _layers.Count);
        var sat = ChartData.Latest(_layerPoints, MetricCatalog.OverflowFraction, TensorRoles.Input, _layers.Count);
        return _layers.Select((name, i) => new LayerSummary(name, amax[i], pred[i], sat[i])).ToList();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _feed?.Dispose();
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }
}
