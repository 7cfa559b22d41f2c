using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Components.Charts;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Pages;

/// <summary>
/// One run: history from the store, then live updates pushed to the charts every ~100 ms by appending. The circuit's
/// <see cref="RunViewState"/> keeps the run's aggregates; the page renders them and pushes each update's new points.
/// Pickers switch the heatmap's metric and role (the heatmap is recreated); a heatmap click opens that layer.
/// </summary>
public partial class RunPage
{
    private static readonly IReadOnlyList<string> LossTraces = [MetricCatalog.Loss];
    private static readonly IReadOnlyList<string> EvalTraces = [MetricCatalog.HeldOutLoss, MetricCatalog.BaselineHeldOutLoss];

    private readonly CancellationTokenSource _cts = new();
    private bool _opened;
    private int _heatKey;
    private bool _lossByTokens;
    private LiveLineChart? _loss;
    private SaturationHeatmap? _heatmap;
    private LayerPanel? _layerPanel;
    private LiveLineChart? _eval;
    private bool _consuming;
    private string _layerMetric = MetricCatalog.Kurtosis;
    private string? _curveMetric;
    private LiveLineChart? _curve;

    /// <summary>The run's id, from the address.</summary>
    [Parameter] public Guid Id { get; set; }

    [Inject] private RunViewState State { get; set; } = default!;
    [Inject] private RunCoordinator Coordinator { get; set; } = default!;
    [Inject] private RunControl Control { get; set; } = default!;
    [Inject] private ILogger<RunPage> Log { get; set; } = default!;
    [Inject] private Microsoft.JSInterop.IJSRuntime JS { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private string HeatLabel => MetricGrouping.LabelOf(State.Heatmap.Metric);

    private string HeatTitle => $"{HeatLabel} · {State.Heatmap.Role} · layers × steps";

    private Func<int, double?>? LossXOf => _lossByTokens ? State.TokensAt : null;

    private string ExportUrl(string file) => $"/api/runs/{Id}/{file}?metric={State.Heatmap.Metric}&role={State.Heatmap.Role}";

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        // plot.js loads in the browser while the history is read; the page's width comes back with it when the browser
        // answers in time (it is busy evaluating plotly.js then): not waited for, the heatmap then gets
        // HeatmapBucketer.UnknownWidthColumns columns.
        _opened = await State.OpenAsync(Id, Plot.PreloadAsync(JS), _cts.Token);
    }

    /// <inheritdoc />
    protected override void OnAfterRender(bool firstRender)
    {
        // Live pushes start only after the page (and so the charts) rendered once.
        if (!_opened || _consuming) return;
        _consuming = true;
        _ = ConsumeAsync(_cts.Token);
    }

    private async Task ConsumeAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var update in State.UpdatesAsync(ct))
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
        // Decided here, synchronously: a chart not rendered yet gets its points through Initial when it first renders.
        var (heatmap, eval, curve, curveMetric) = (_heatmap, _eval, _curve, CurveMetric);
        var delta = State.Apply(update, heatmapShown: heatmap is not null, evalShown: eval is not null);
        if (delta.SummaryDue) _ = LoadSummaryAsync();
        if (delta.HeatmapRebuilt) _heatKey++;
        StateHasChanged();

        // Every chart's push is sent at once and awaited together: the page applies them in order, and no chart waits
        // for another's round trip and redraw (each awaited in turn, the heatmap's column came a loss redraw later).
        var pushes = new List<Task>();
        if (_loss is not null) pushes.Add(_loss.AppendAsync(0, delta.Loss));
        if (eval is not null) pushes.Add(eval.AppendAsync(delta.Eval));
        if (curve is not null) pushes.Add(curve.AppendAsync(0, ChartData.Scalar(update.Scalars, curveMetric)));
        if (heatmap is not null && !delta.HeatmapRebuilt) pushes.Add(heatmap.AppendAsync(delta.HeatmapColumns));
        if (_layerPanel is not null) pushes.Add(_layerPanel.AppendAsync(delta.LayerPoints));
        await Task.WhenAll(pushes);
    }

    private async Task LoadSummaryAsync()
    {
        if (await State.LoadSummaryAsync(_cts.Token)) StateHasChanged();
    }

    private void OnHeatMetric(ChangeEventArgs e) => PickHeatmap(e.Value?.ToString() ?? MetricCatalog.OverflowFraction, State.Heatmap.Role);

    private void OnHeatRole(ChangeEventArgs e) => PickHeatmap(State.Heatmap.Metric, e.Value?.ToString() ?? TensorRoles.Input);

    private void PickHeatmap(string metric, string role)
    {
        State.PickHeatmap(metric, role);
        _heatKey++;
    }

    private void OnLossAxis(ChangeEventArgs e)
    {
        _lossByTokens = e.Value?.ToString() == "tokens";
        State.ReplotLoss();
    }

    // The curve panel's pick: the user's, else the step time, else the first scalar recorded.
    private string CurveMetric => _curveMetric is { } picked && State.RecordedScalars.Contains(picked) ? picked
        : State.RecordedScalars.Contains(MetricCatalog.StepMillis) ? MetricCatalog.StepMillis
        : MetricOptions.ForScalars(State.RecordedScalars).FirstOrDefault()?.Metric ?? MetricCatalog.Loss;

    private string CurveLabel => MetricOptions.ForScalars([CurveMetric])[0].Label;

    private void OnCurveMetric(ChangeEventArgs e) => _curveMetric = e.Value?.ToString();

    // A click on a weight or grad cell opens that role: the panel follows the heatmap's role.
    private void OnLayerClicked(string layer) => State.PickLayer(layer, State.Heatmap.Role);

    private void OnLayerIndexChanged(int index) => State.LayerIndex = index;

    private void OnLayerRoleChanged(string role) => State.LayerRole = role;

    private void OnLayerMetricChanged(string metric) => _layerMetric = metric;

    private async Task CancelAsync()
    {
        try
        {
            // Wherever it trains: this host, a cluster worker, or another dashboard host (Redis).
            if (!await Control.CancelAsync(Id, _cts.Token)) State.Error = "The run is not training any more.";
        }
        catch (IOException ex)
        {
            State.Error = ex.Message;
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
            State.Error = ex.Message;
            State.ResumeFrom = null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _cts.Cancel();
        State.Close();
        _cts.Dispose();
        return ValueTask.CompletedTask;
    }
}
