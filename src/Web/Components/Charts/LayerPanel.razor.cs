using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// One layer and tensor role over steps: amax against the delayed amaxPred (with the history length), overflow and
/// underflow, the error split (measured on the input side), any recorded metric picked from the grouped picker, the
/// magnitude histogram and amax history window at a chosen step (<see cref="LayerDetailViews"/>), and for FC2 the top
/// outlier channels. Charts are recreated (keyed) when another layer, role or metric is picked and grow by appending
/// otherwise.
/// </summary>
public partial class LayerPanel
{
    private static readonly IReadOnlyList<string> AmaxTraces = ["amax (now)", "amaxPred (delayed)"];
    private static readonly IReadOnlyList<string> FlowTraces = ["overflow fraction", "underflow fraction"];
    private static readonly IReadOnlyList<string> ErrorTraces = ["weight only", "input only", "both"];
    private static readonly string[] AmaxMetrics = [MetricCatalog.Amax, MetricCatalog.AmaxPred];
    private static readonly string[] FlowMetrics = [MetricCatalog.OverflowFraction, MetricCatalog.UnderflowFraction];
    private static readonly string[] ErrorMetrics = [MetricCatalog.ErrorWeightOnly, MetricCatalog.ErrorInputOnly, MetricCatalog.ErrorBoth];

    private LiveLineChart? _amax;
    private LiveLineChart? _flow;
    private LiveLineChart? _error;
    private LiveLineChart? _metric;
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _metricInitial = [];
    private (int Layer, string Role, string Metric) _metricBuiltFor;
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _amaxInitial = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _flowInitial = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _errorInitial = [];
    private IReadOnlyList<OutlierChannel> _outliers = [];
    private (int Layer, string Role) _builtFor = (-1, "");
    private int _scalarsSeen = -1;
    // Which charts of the shown layer have any point yet (the others get a "not recorded" line).
    private bool _amaxRecorded;
    private bool _flowRecorded;
    private bool _errorRecorded;

    // What the shown layer has not recorded (yet): an outside run may log none of it.
    private string Missing => string.Join(", ", new[]
    {
        _amaxRecorded ? null : "amax and amaxPred",
        _flowRecorded ? null : "overflow and underflow",
        _errorRecorded ? null : "the error split",
    }.OfType<string>());

    /// <summary>The run's layers (full module names).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<string> Layers { get; set; } = [];

    /// <summary>Index of the layer shown.</summary>
    [Parameter, EditorRequired] public int LayerIndex { get; set; }

    /// <summary>Raised when the user picks another layer here.</summary>
    [Parameter, EditorRequired] public EventCallback<int> LayerIndexChanged { get; set; }

    /// <summary>Every per-layer point of the run so far (history and live).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<LayerPoint> Points { get; set; } = [];

    /// <summary>The run's outlier-channel scalars so far (other scalars may be left out: only these are read).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<ScalarPoint> Scalars { get; set; } = [];

    /// <summary>The tensor role shown (<see cref="TensorRoles"/>).</summary>
    [Parameter, EditorRequired] public string Role { get; set; } = TensorRoles.Input;

    /// <summary>The roles offered (the three tensor roles, and what an import recorded beside them).</summary>
    [Parameter] public IReadOnlyList<MetricOption> Roles { get; set; } = MetricOptions.Roles;

    /// <summary>Raised when the user picks another role here.</summary>
    [Parameter] public EventCallback<string> RoleChanged { get; set; }

    /// <summary>The metric of the free chart (any recorded per-layer metric).</summary>
    [Parameter, EditorRequired] public string Metric { get; set; } = MetricCatalog.Kurtosis;

    /// <summary>Raised when the user picks another metric for the free chart.</summary>
    [Parameter] public EventCallback<string> MetricChanged { get; set; }

    /// <summary>The metric picker's groups (<see cref="MetricOptions.ForRun"/> of what the run recorded for the role).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<MetricGroup> Groups { get; set; } = [];

    /// <summary>The run's effective plan (history length, algorithm and format of each tensor), or null.</summary>
    [Parameter] public EffectivePlanDto? Plan { get; set; }

    private IReadOnlyList<string> MetricTraces => [Metric];

    private int? HistoryWindow => LayerPanelData.HistoryWindow(Plan, Layers[LayerIndex], Role);

    private string AmaxTitle => $"amax against amaxPred · {Role} · " +
        (HistoryWindow is { } h ? $"amaxPred = max of the last {h} steps' amax" : "no delayed history (current scaling or none)");

    private string WindowLabel => HistoryWindow is { } h ? $"amax history: last {h} steps" : "";

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (_builtFor != (LayerIndex, Role))
        {
            _builtFor = (LayerIndex, Role);
            _amaxInitial = Series(Points, AmaxMetrics, Role);
            _flowInitial = Series(Points, FlowMetrics, Role);
            _errorInitial = Series(Points, ErrorMetrics, TensorRoles.Input);
            (_amaxRecorded, _flowRecorded, _errorRecorded) = (Any(_amaxInitial), Any(_flowInitial), Any(_errorInitial));
            _scalarsSeen = -1;
        }
        if (_metricBuiltFor != (LayerIndex, Role, Metric))
        {
            _metricBuiltFor = (LayerIndex, Role, Metric);
            _metricInitial = Series(Points, [Metric], Role);
        }
        if (_scalarsSeen != Scalars.Count && LayerPanelData.IsDownProjection(Layers[LayerIndex]))
        {
            _scalarsSeen = Scalars.Count;
            _outliers = LayerPanelData.Outliers(Scalars, Layers[LayerIndex]);
        }
    }

    /// <summary>Appends new points of the shown layer to its charts.</summary>
    public async Task AppendAsync(IReadOnlyList<LayerPoint> points)
    {
        if (points.Count == 0) return;
        var (amax, flow, error) = (Series(points, AmaxMetrics, Role), Series(points, FlowMetrics, Role), Series(points, ErrorMetrics, TensorRoles.Input));
        var recorded = (_amaxRecorded || Any(amax), _flowRecorded || Any(flow), _errorRecorded || Any(error));
        if (recorded != (_amaxRecorded, _flowRecorded, _errorRecorded))
        {
            (_amaxRecorded, _flowRecorded, _errorRecorded) = recorded;
            StateHasChanged();
        }
        // Sent together (each chart's traces in one redraw): the page applies them in order without waiting in between.
        await Task.WhenAll(AppendAsync(_amax, amax), AppendAsync(_flow, flow), AppendAsync(_error, error), AppendAsync(_metric, Series(points, [Metric], Role)));
    }

    private static Task AppendAsync(LiveLineChart? chart, IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series) => chart is null
        ? Task.CompletedTask
        : chart.AppendAsync(series.Select((points, trace) => (trace, points)).ToList());

    private static bool Any(IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series) => series.Any(s => s.Count > 0);

    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> Series(IReadOnlyList<LayerPoint> points, string[] metrics, string role) =>
        metrics.Select(m => ChartData.Layer(points, m, role, LayerIndex)).ToList();

    private Task OnRolePickedAsync(ChangeEventArgs e) =>
        e.Value?.ToString() is { } role && Roles.Any(o => o.Metric == role) ? RoleChanged.InvokeAsync(role) : Task.CompletedTask;

    private Task OnMetricPicked(ChangeEventArgs e) =>
        e.Value?.ToString() is { Length: > 0 } metric ? MetricChanged.InvokeAsync(metric) : Task.CompletedTask;

    private Task OnPickedAsync(ChangeEventArgs e) =>
        int.TryParse(e.Value?.ToString(), out var index) && index >= 0 && index < Layers.Count
            ? LayerIndexChanged.InvokeAsync(index)
            : Task.CompletedTask;
}
