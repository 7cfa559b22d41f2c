using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// One layer's input over steps: amax against the delayed amaxPred (with the history length), overflow and underflow,
/// the error split, and for FC2 the top outlier channels. Charts are recreated (keyed) when another layer is picked and
/// grow by appending otherwise.
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
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _amaxInitial = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _flowInitial = [];
    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> _errorInitial = [];
    private IReadOnlyList<OutlierChannel> _outliers = [];
    private int _builtFor = -1;
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

    /// <summary>The amax history length the layer's input was scaled with, if delayed scaling.</summary>
    [Parameter] public int? HistoryWindow { get; set; }

    private string AmaxTitle => $"amax against amaxPred · input · " +
        (HistoryWindow is { } h ? $"amaxPred = max of the last {h} steps' amax" : "no delayed history (current scaling or none)");

    private string WindowLabel => HistoryWindow is { } h ? $"amax history: last {h} steps" : "";

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (_builtFor != LayerIndex)
        {
            _builtFor = LayerIndex;
            _amaxInitial = Series(Points, AmaxMetrics);
            _flowInitial = Series(Points, FlowMetrics);
            _errorInitial = Series(Points, ErrorMetrics);
            (_amaxRecorded, _flowRecorded, _errorRecorded) = (Any(_amaxInitial), Any(_flowInitial), Any(_errorInitial));
            _scalarsSeen = -1;
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
        var (amax, flow, error) = (Series(points, AmaxMetrics), Series(points, FlowMetrics), Series(points, ErrorMetrics));
        var recorded = (_amaxRecorded || Any(amax), _flowRecorded || Any(flow), _errorRecorded || Any(error));
        if (recorded != (_amaxRecorded, _flowRecorded, _errorRecorded))
        {
            (_amaxRecorded, _flowRecorded, _errorRecorded) = recorded;
            StateHasChanged();
        }
        // Sent together (each chart's traces in one redraw): the page applies them in order without waiting in between.
        await Task.WhenAll(AppendAsync(_amax, amax), AppendAsync(_flow, flow), AppendAsync(_error, error));
    }

    private static Task AppendAsync(LiveLineChart? chart, IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series) => chart is null
        ? Task.CompletedTask
        : chart.AppendAsync(series.Select((points, trace) => (trace, points)).ToList());

    private static bool Any(IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series) => series.Any(s => s.Count > 0);

    private IReadOnlyList<IReadOnlyList<(int Step, float Value)>> Series(IReadOnlyList<LayerPoint> points, string[] metrics) =>
        metrics.Select(m => ChartData.Layer(points, m, TensorRoles.Input, LayerIndex)).ToList();

    private Task OnPickedAsync(ChangeEventArgs e) =>
        int.TryParse(e.Value?.ToString(), out var index) && index >= 0 && index < Layers.Count
            ? LayerIndexChanged.InvokeAsync(index)
            : Task.CompletedTask;
}
