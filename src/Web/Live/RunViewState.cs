using System.Runtime.CompilerServices;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Compare;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Live;

/// <summary>
/// The run page's view of one run, one per circuit (scoped): opened from a <see cref="RunFeed"/> (subscribe first, then
/// read history, deduplicated by step), it keeps the run's status and aggregates as updates arrive, so that the page
/// only renders and pushes. Opening another run, <see cref="Close"/> or disposing it unsubscribes from the feed.
/// </summary>
public sealed class RunViewState(
    LiveRunStore live, RunRepository runs, MetricSeriesRepository series, RunCheckpoints checkpoints, ILogger<RunViewState> log) : IDisposable
{
    /// <summary>
    /// The feed holds the first new point for one interval before the push (coalescing what follows), so a point waits
    /// up to this long: 200 ms alone left no room under the 250 ms p95 target for the round trip and the redraws. The
    /// next push is read only after the page has applied this one, so a slow browser gets fewer, larger pushes.
    /// </summary>
    public static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(100);

    // The coordinator stores the summary before it announces the end; the retries only cover a store that lags.
    private static readonly TimeSpan SummaryRetryDelay = TimeSpan.FromMilliseconds(500);
    private const int SummaryAttempts = 5;

    private RunFeed? _feed;
    private RunAggregates _aggregates = new();
    private int? _viewportWidth;
    private bool _summaryLoading;

    /// <summary>The run as stored when it was opened; null while opening, when missing, or closed.</summary>
    public RunEntity? Run => _feed?.Run;

    /// <summary>True when the run opened last does not exist.</summary>
    public bool Missing { get; private set; }

    /// <summary>The run's latest status.</summary>
    public RunStatus Status { get; private set; }

    /// <summary>True when the run no longer trains.</summary>
    public bool Ended => Status.HasEnded();

    /// <summary>The run's error, or one of the page's actions (cancel, resume); null for none.</summary>
    public string? Error { get; set; }

    /// <summary>Latest step seen (-1: none yet).</summary>
    public int LastStep { get; private set; } = -1;

    /// <summary>Planned steps (0: not known).</summary>
    public int Steps { get; private set; }

    /// <summary>The run's layers (full module names); empty until the model is built.</summary>
    public IReadOnlyList<string> Layers { get; private set; } = [];

    /// <summary>The layer the layer panel shows.</summary>
    public int LayerIndex { get; set; }

    /// <summary>The tensor role the layer panel shows (a heatmap click sets the heatmap's role).</summary>
    public string LayerRole { get; set; } = TensorRoles.Input;

    /// <summary>The effective quantization plan, if any.</summary>
    public EffectivePlanDto? Plan { get; private set; }

    /// <summary>The run's config, flattened to dotted fields.</summary>
    public IReadOnlyDictionary<string, string> Config { get; private set; } = new Dictionary<string, string>();

    /// <summary>The ended run's summary; null while it trains or until loaded.</summary>
    public RunSummary? Summary { get; private set; }

    /// <summary>The checkpoint an interrupted, failed or cancelled engine run can resume from (null: no Resume button).</summary>
    public int? ResumeFrom { get; set; }

    /// <summary>The loss for a new loss chart (set on open and by <see cref="ReplotLoss"/>).</summary>
    public IReadOnlyList<IReadOnlyList<(int Step, float Value)>> LossInitial { get; private set; } = [];

    /// <summary>Held-out loss and the baseline's for a new eval chart.</summary>
    public IReadOnlyList<IReadOnlyList<(int Step, float Value)>> EvalInitial { get; private set; } = [];

    /// <summary>True once the run has held-out points.</summary>
    public bool HasEval { get; private set; }

    /// <summary>The layer table's rows.</summary>
    public IReadOnlyList<LayerSummary> LayerTable { get; private set; } = [];

    /// <summary>The heatmap: metric, role and columns.</summary>
    public HeatmapView Heatmap { get; private set; } = new();

    /// <summary>Every per-layer point so far (the layer panel's).</summary>
    public IReadOnlyList<LayerPoint> LayerPoints => _aggregates.LayerPoints;

    /// <summary>The per-layer metric names the run recorded so far for <paramref name="role"/> (any role when null): the pickers' choices.</summary>
    public IReadOnlyCollection<string> RecordedMetrics(string? role = null) => _aggregates.Recorded(role);

    /// <summary>The roles the run recorded so far, imported variants included: the role pickers' choices beside the three tensor roles.</summary>
    public IReadOnlyCollection<string> RecordedRoles => _aggregates.RecordedRoles;

    /// <summary>Every scalar metric the run recorded so far except the outlier channels: the curve picker's choices.</summary>
    public IReadOnlyCollection<string> RecordedScalars => _aggregates.ScalarNames;

    /// <summary>The series of scalar <paramref name="metric"/> so far, steps ascending (the picked curve's).</summary>
    public IReadOnlyList<(int Step, float Value)> ScalarSeries(string metric) => _aggregates.Scalar(metric);

    /// <summary>The outlier-channel scalars so far (the layer panel's).</summary>
    public IReadOnlyList<ScalarPoint> OutlierScalars => _aggregates.OutlierScalars;

    /// <summary>
    /// Opens a run (closing the one before): subscribes, reads its history and builds every view; false when there is
    /// no such run. <paramref name="viewportWidth"/> is used when it has completed by then (the heatmap's columns).
    /// </summary>
    public async Task<bool> OpenAsync(Guid runId, Task<int?> viewportWidth, CancellationToken ct)
    {
        Close();
        var feed = await RunFeed.OpenAsync(runId, live, runs, series, ct);
        if (viewportWidth.IsCompletedSuccessfully) _viewportWidth = viewportWidth.Result;
        if (feed is null)
        {
            Missing = true;
            return false;
        }
        var run = feed.Run;
        Status = run.Status;
        Error = run.Error;
        Steps = RunConfigSummary.Steps(run.ConfigJson);
        Layers = run.GetLayers();
        Plan = RunOverviews.ReadPlan(run.PlanJson);
        Config = ConfigFlattener.Flatten(run.ConfigJson);
        _aggregates.Add(feed.HistoryScalars, feed.HistoryLayerPoints);
        LossInitial = [_aggregates.Loss()];
        LastStep = Math.Max(run.LastStep, feed.HistoryScalars.Select(p => p.Step).DefaultIfEmpty(-1).Max());
        RebuildHeatmap();
        LayerIndex = ChartData.DefaultLayer(Layers);
        LayerTable = _aggregates.Summary(Layers);
        // A run that trains (again: a resumed one keeps its last segment's summary until it ends) shows none yet.
        Summary = Ended ? RunOverviews.ReadSummary(run.SummaryJson) : null;
        EvalInitial = _aggregates.Eval();
        HasEval = EvalInitial.Any(s => s.Count > 0);
        if (run.Kind == RunKinds.Engine && Status is RunStatus.Interrupted or RunStatus.Failed or RunStatus.Cancelled)
            ResumeFrom = checkpoints.LatestResumable(runId);
        _feed = feed; // last: the page renders at each await, and must not render a half-read run
        return true;
    }

    /// <summary>The run's updates, throttled (see <see cref="Throttle"/>); apply each before asking for the next.</summary>
    public async IAsyncEnumerable<RunFeedUpdate> UpdatesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (_feed is not { } feed) yield break;
        await foreach (var update in feed.UpdatesAsync(Throttle, ct)) yield return update;
    }

    /// <summary>
    /// Takes an update into the aggregates and says what to push. <paramref name="heatmapShown"/> and
    /// <paramref name="evalShown"/>: whether those charts exist (a chart not rendered yet draws its points first instead).
    /// </summary>
    public RunViewDelta Apply(RunFeedUpdate update, bool heatmapShown, bool evalShown)
    {
        var summaryDue = false;
        if (update.Status is { } status)
        {
            Status = status.Status;
            Error = status.Error ?? Error;
            // Live again (resumed, or a page opened on the ended run a moment before the resume was announced): the
            // summary held belongs to the earlier segment; the end reloads the whole run's.
            if (!Ended) Summary = null;
            if (status.Layers is { Count: > 0 } layers && Layers.Count == 0)
            {
                Layers = layers;
                LayerIndex = ChartData.DefaultLayer(Layers);
            }
            summaryDue = Ended && Summary is null;
        }
        if (update.Scalars.Count > 0) LastStep = Math.Max(LastStep, update.Scalars.Max(p => p.Step));
        _aggregates.Add(update.Scalars, update.LayerPoints);
        var evalPoints = update.Scalars.Where(p => p.Metric is MetricCatalog.HeldOutLoss or MetricCatalog.BaselineHeldOutLoss).ToList();
        if (!evalShown && evalPoints.Count > 0)
        {
            EvalInitial = _aggregates.Eval();
            HasEval = true;
        }
        if (Layers.Count > 0) LayerTable = _aggregates.Summary(Layers);

        IReadOnlyList<(int Step, float[] Row)> columns = [];
        var rebuilt = false;
        if (heatmapShown)
        {
            // Live: completed buckets are appended; past the column cap the heatmap is redrawn with wider buckets.
            columns = Heatmap.Add(update.LayerPoints, Ended);
            if (Heatmap.Overflowed)
            {
                RebuildHeatmap();
                (columns, rebuilt) = ([], true);
            }
        }
        else if (Layers.Count > 0)
        {
            RebuildHeatmap(); // first drawn from every point held
        }
        IReadOnlyList<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> eval = evalShown
            ? [(0, ChartData.Scalar(evalPoints, MetricCatalog.HeldOutLoss)), (1, ChartData.Scalar(evalPoints, MetricCatalog.BaselineHeldOutLoss))]
            : [];
        return new RunViewDelta(ChartData.Scalar(update.Scalars, MetricCatalog.Loss), eval, columns, rebuilt, update.LayerPoints, summaryDue);
    }

    /// <summary>Shows another heatmap metric and role, rebuilt from every point held.</summary>
    public void PickHeatmap(string metric, string role)
    {
        Heatmap.Pick(metric, role);
        RebuildHeatmap();
    }

    /// <summary>Takes the loss so far into <see cref="LossInitial"/> (the loss chart is recreated).</summary>
    public void ReplotLoss() => LossInitial = [_aggregates.Loss()];

    /// <summary>Tokens seen at <paramref name="step"/>, or null when not logged.</summary>
    public double? TokensAt(int step) => _aggregates.TokensAt(step);

    /// <summary>
    /// Shows <paramref name="layer"/> (a full module name) in the layer panel, if it is one of the run's, with
    /// <paramref name="role"/> when given (a heatmap click passes the heatmap's role).
    /// </summary>
    public void PickLayer(string layer, string? role = null)
    {
        var index = Layers.ToList().IndexOf(layer);
        if (index < 0) return;
        LayerIndex = index;
        if (TensorRoles.IsKnown(role) || (role is not null && RecordedRoles.Contains(role))) LayerRole = role!;
    }

    /// <summary>
    /// Reads the summary stored with the run, retrying a few times (see SummaryRetryDelay); true when it was loaded.
    /// One load at a time; failures are logged.
    /// </summary>
    public async Task<bool> LoadSummaryAsync(CancellationToken ct)
    {
        if (_summaryLoading || _feed is not { } feed) return false;
        _summaryLoading = true;
        try
        {
            for (var attempt = 0; attempt < SummaryAttempts && Summary is null; attempt++)
            {
                if (attempt > 0) await Task.Delay(SummaryRetryDelay, ct);
                var run = await runs.GetAsync(feed.Run.Id, ct);
                var summary = RunOverviews.ReadSummary(run?.SummaryJson);
                if (summary is null) continue;
                if (_feed != feed) return false; // another run opened meanwhile
                Summary = summary;
                Plan ??= RunOverviews.ReadPlan(run?.PlanJson);
                return true;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Loading the summary of run {RunId} failed", feed.Run.Id);
        }
        finally
        {
            _summaryLoading = false;
        }
        return false;
    }

    /// <summary>Unsubscribes and forgets the run.</summary>
    public void Close()
    {
        _feed?.Dispose();
        _feed = null;
        _aggregates = new RunAggregates();
        _summaryLoading = false;
        Missing = false;
        (Status, Error, LastStep, Steps, Layers, LayerIndex, LayerRole) = (default, null, -1, 0, [], 0, TensorRoles.Input);
        (Plan, Config, Summary, ResumeFrom) = (null, new Dictionary<string, string>(), null, null);
        (LossInitial, EvalInitial, HasEval, LayerTable, Heatmap) = ([], [], false, [], new HeatmapView());
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    private void RebuildHeatmap() => Heatmap.Rebuild(_aggregates.LayerPoints, Ended, Steps, _viewportWidth);
}
