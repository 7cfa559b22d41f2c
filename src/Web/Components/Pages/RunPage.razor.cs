using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using QuantScope.Data;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Components.Charts;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// One run: history from the store, then live updates pushed to the charts every ~200 ms by appending.
/// </summary>
public partial class RunPage
{
    private static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(200);
    private static readonly IReadOnlyList<string> LossTraces = ["loss"];
    private static readonly IReadOnlyList<string> AmaxTraces = ["amax (now)", "amaxPred (delayed)"];
    private static readonly IReadOnlyList<string> EvalTraces = [MetricNames.HeldOutLoss, MetricNames.BaselineHeldOutLoss];
    // The coordinator stores the summary before it announces the end; the retries only cover a store that lags.
    private static readonly TimeSpan SummaryRetryDelay = TimeSpan.FromMilliseconds(500);
    private const int SummaryAttempts = 5;

    private readonly CancellationTokenSource _cts = new();
    private readonly List<LayerPoint> _inputStats = [];
    private readonly List<ScalarPoint> _evalPoints = [];
    private RunFeed? _feed;
    private bool _missing;
    private RunStatus _status;
    private string? _error;
    private int _lastStep = -1;
    private int _steps;
    private IReadOnlyList<string> _layers = [];
    private int _amaxLayer;
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _lossInitial = [];
    private IReadOnlyList<(int Step, float[] Row)> _saturationInitial = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _amaxInitial = [];
    private IReadOnlyList<LayerSummary> _summary = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _evalInitial = [];
    private RunSummary? _runSummary;
    private bool _summaryLoading;
    private LiveLineChart? _loss;
    private LiveLineChart? _amax;
    private SaturationHeatmap? _heatmap;
    private LiveLineChart? _eval;
    private bool _consuming;

    /// <summary>The run's id, from the address.</summary>
    [Parameter] public Guid Id { get; set; }

    [Inject] private LiveRunStore Live { get; set; } = default!;
    [Inject] private RunRepository Runs { get; set; } = default!;
    [Inject] private MetricSeriesRepository Series { get; set; } = default!;
    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private ILogger<RunPage> Log { get; set; } = default!;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        _feed = await RunFeed.OpenAsync(Id, Live, Runs, Series, _cts.Token);
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
        _lossInitial = [ChartData.Scalar(_feed.HistoryScalars, MetricNames.Loss)];
        _saturationInitial = ChartData.Rows(_feed.HistoryLayerPoints, MetricNames.OverflowFraction, TensorRoles.Input);
        _inputStats.AddRange(_feed.HistoryLayerPoints.Where(IsAmaxPanelPoint));
        _lastStep = Math.Max(run.LastStep, _feed.HistoryScalars.Select(p => p.Step).DefaultIfEmpty(-1).Max());
        _amaxLayer = ChartData.DefaultLayer(_layers);
        _amaxInitial = AmaxSeries(_amaxLayer);
        _summary = Summarize();
        _runSummary = ReadSummary(run.SummaryJson);
        _evalPoints.AddRange(_feed.HistoryScalars.Where(IsEvalPoint));
        _evalInitial = EvalSeries();
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

    private async Task ApplyAsync(RunFeedUpdate update)
    {
        var rerender = false;
        if (update.Status is { } status)
        {
            _status = status.Status;
            _error = status.Error ?? _error;
            if (status.Layers is { Count: > 0 } layers && _layers.Count == 0)
            {
                _layers = layers;
                _amaxLayer = ChartData.DefaultLayer(_layers);
            }
            if (IsEnded(_status) && _runSummary is null) _ = LoadSummaryAsync(_cts.Token);
            rerender = true;
        }
        if (update.Scalars.Count > 0)
        {
            _lastStep = Math.Max(_lastStep, update.Scalars.Max(p => p.Step));
            rerender = true;
        }
        _inputStats.AddRange(update.LayerPoints.Where(IsAmaxPanelPoint));
        // Decided here, synchronously: a chart not rendered yet gets its points through Initial when it first renders.
        var evalPoints = update.Scalars.Where(IsEvalPoint).ToList();
        var appendEval = _eval is not null;
        _evalPoints.AddRange(evalPoints);
        if (!appendEval && evalPoints.Count > 0)
        {
            _evalInitial = EvalSeries();
            rerender = true;
        }
        if (_layers.Count > 0) _summary = Summarize();
        if (rerender || update.LayerPoints.Count > 0) StateHasChanged();

        if (_loss is not null) await _loss.AppendAsync(0, ChartData.Scalar(update.Scalars, MetricNames.Loss));
        if (appendEval)
        {
            await _eval!.AppendAsync(0, ChartData.Scalar(evalPoints, MetricNames.HeldOutLoss));
            await _eval.AppendAsync(1, ChartData.Scalar(evalPoints, MetricNames.BaselineHeldOutLoss));
        }
        if (_heatmap is not null) await _heatmap.AppendAsync(ChartData.Rows(update.LayerPoints, MetricNames.OverflowFraction, TensorRoles.Input));
        if (_amax is not null)
        {
            await _amax.AppendAsync(0, ChartData.Layer(update.LayerPoints, MetricNames.Amax, TensorRoles.Input, _amaxLayer));
            await _amax.AppendAsync(1, ChartData.Layer(update.LayerPoints, MetricNames.AmaxPred, TensorRoles.Input, _amaxLayer));
        }
    }

    private async Task OnLayerPickedAsync(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), out var index) || index < 0 || index >= _layers.Count) return;
        _amaxLayer = index;
        _amaxInitial = AmaxSeries(index);
        if (_amax is not null) await _amax.ReplaceAsync(AmaxTitle, _amaxInitial);
    }

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
                var summary = ReadSummary((await Runs.GetAsync(Id, ct))?.SummaryJson);
                if (summary is null) continue;
                await InvokeAsync(() =>
                {
                    _runSummary = summary;
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

    private RunSummary? ReadSummary(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(json, JsonDefaults.Options);
        }
        catch (JsonException ex)
        {
            Log.LogWarning(ex, "The stored summary of run {RunId} is not readable", Id);
            return null;
        }
    }

    private static bool IsEnded(RunStatus status) => status is not (RunStatus.Pending or RunStatus.Running);

    private Task CancelAsync()
    {
        Coordinator.Cancel(Id);
        return Task.CompletedTask;
    }

    private string AmaxTitle => $"{_layers[_amaxLayer]} · input";

    private static bool IsAmaxPanelPoint(LayerPoint p) =>
        p.Role == TensorRoles.Input && p.Metric is MetricNames.Amax or MetricNames.AmaxPred or MetricNames.OverflowFraction;

    private static bool IsEvalPoint(ScalarPoint p) => p.Metric is MetricNames.HeldOutLoss or MetricNames.BaselineHeldOutLoss;

    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> EvalSeries() =>
    [
        ChartData.Scalar(_evalPoints, MetricNames.HeldOutLoss),
        ChartData.Scalar(_evalPoints, MetricNames.BaselineHeldOutLoss),
    ];

    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> AmaxSeries(int layer) =>
    [
        ChartData.Layer(_inputStats, MetricNames.Amax, TensorRoles.Input, layer),
        ChartData.Layer(_inputStats, MetricNames.AmaxPred, TensorRoles.Input, layer),
    ];

    private IReadOnlyList<LayerSummary> Summarize()
    {
        var amax = ChartData.Latest(_inputStats, MetricNames.Amax, TensorRoles.Input, _layers.Count);
        var pred = ChartData.Latest(_inputStats, MetricNames.AmaxPred, TensorRoles.Input, _layers.Count);
        var sat = ChartData.Latest(_inputStats, MetricNames.OverflowFraction, TensorRoles.Input, _layers.Count);
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
