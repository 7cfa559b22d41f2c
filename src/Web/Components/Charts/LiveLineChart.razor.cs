using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using QuantScope.Web.Live;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// A line chart over steps that grows by appending (Plotly ExtendTraces with a max), never by re-rendering.
/// Points that arrive before plotly has drawn the chart wait and are appended right after.
/// </summary>
public partial class LiveLineChart : IDisposable
{
    private readonly PlotGate<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> _gate;
    private PlotlyChart? _chart;
    private IList<ITrace> _data = [];
    private Plotly.Blazor.Layout _layout = new();
    private Config _config = new();

    /// <summary>Creates the chart; pushes wait for plotly's first draw.</summary>
    public LiveLineChart() => _gate = new(push => Extend(push.Trace, push.Points));

    /// <summary>DOM id of the chart (tests and links find it by this id).</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>Chart title.</summary>
    [Parameter, EditorRequired] public string Title { get; set; } = "";

    /// <summary>One name per trace, in trace order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<string> TraceNames { get; set; } = [];

    /// <summary>The history to draw first: one list of (step, value) per trace.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<IReadOnlyList<(int Step, float Value)>> Initial { get; set; } = [];

    /// <summary>Y axis title, with its unit.</summary>
    [Parameter] public string YTitle { get; set; } = "";

    /// <summary>X axis title with its unit.</summary>
    [Parameter] public string XTitle { get; set; } = "step";

    /// <summary>Maps a step to its x value (e.g. tokens seen); null keeps the step. A step it maps to null is not drawn.</summary>
    [Parameter] public Func<int, double?>? XOf { get; set; }

    /// <summary>
    /// Length in steps of a trailing window to shade up to the latest step (the amax history that the next amaxPred is
    /// the max of); null draws none. Only on a step x axis. The band follows the data as it is appended.
    /// </summary>
    [Parameter] public int? WindowSteps { get; set; }

    /// <summary>Label on the shaded window.</summary>
    [Parameter] public string WindowLabel { get; set; } = "";

    /// <summary>Most points kept per trace, in the browser and in the server copy.</summary>
    [Parameter] public int MaxPoints { get; set; } = 50_000;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _config = ChartStyle.ConfigFor(Id);
        _layout = ChartStyle.Layout(Title, XTitle, YTitle);
        _data = BuildTraces();
        var last = Initial.SelectMany(t => t).Select(p => (int?)p.Step).Max();
        if (last is { } step) PlaceWindow(step);
    }

    /// <summary>Latest step drawn, for the window band.</summary>
    private int _windowEnd = int.MinValue;

    // Sets the band over the steps (end - window, end]; true when it moved.
    private bool PlaceWindow(int end)
    {
        if (WindowSteps is not { } window || window <= 0 || XOf is not null || end <= _windowEnd) return false;
        _windowEnd = end;
        _layout.Shapes = [WindowShape(end - window + 0.5, end + 0.5, WindowLabel)];
        return true;
    }

    /// <summary>A shaded band over x in [<paramref name="x0"/>, <paramref name="x1"/>], full height, under the traces.</summary>
    public static Shape WindowShape(double x0, double x1, string label) => new()
    {
        Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Rect,
        XRef = "x",
        YRef = "paper",
        X0 = x0,
        X1 = x1,
        Y0 = 0,
        Y1 = 1,
        FillColor = "rgba(230, 159, 0, 0.18)", // Okabe-Ito orange: visible to colour-blind readers, light under the lines
        Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Width = 0 },
        Layer = Plotly.Blazor.LayoutLib.ShapeLib.LayerEnum.Below,
        Name = label,
        Label = new Plotly.Blazor.LayoutLib.ShapeLib.Label
        {
            Text = label,
            TextPosition = Plotly.Blazor.LayoutLib.ShapeLib.LabelLib.TextPositionEnum.TopLeft,
        },
    };

    private List<ITrace> BuildTraces() =>
        TraceNames.Select((name, i) => (ITrace)new Scatter
        {
            Name = name,
            Mode = ModeFlag.Lines,
            X = Mapped(i < Initial.Count ? Initial[i] : []).Select(p => p.X).ToList(),
            Y = Mapped(i < Initial.Count ? Initial[i] : []).Select(p => ChartData.Plottable(p.Value)).Cast<object>().ToList(),
        }).ToList();

    /// <summary>Appends points to one trace.</summary>
    public Task AppendAsync(int trace, IReadOnlyList<(int Step, float Value)> points) =>
        points.Count == 0 ? Task.CompletedTask : _gate.PushAsync((trace, points));

    private List<(object X, float Value)> Mapped(IReadOnlyList<(int Step, float Value)> points) => XOf is null
        ? points.Select(p => ((object)p.Step, p.Value)).ToList()
        : points.Select(p => (X: XOf(p.Step), p.Value)).Where(p => p.X is not null).Select(p => ((object)p.X!.Value, p.Value)).ToList();

    /// <summary>Replaces every trace and the title (e.g. another layer picked) and redraws once.</summary>
    public Task ReplaceAsync(string title, IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series) =>
        _gate.ResetAsync(async plotted =>
        {
            Initial = series;
            _layout.Title = new Plotly.Blazor.LayoutLib.Title { Text = title };
            // The chart holds this same list: refill it in place, then redraw once.
            _data.Clear();
            foreach (var trace in BuildTraces()) _data.Add(trace);
            if (plotted && _chart is not null) await _chart.React();
        });

    private async Task Extend(int trace, IReadOnlyList<(int Step, float Value)> points)
    {
        var mapped = Mapped(points);
        if (mapped.Count == 0) return;
        await _chart!.ExtendTrace(mapped.Select(p => p.X), mapped.Select(p => ChartData.Plottable(p.Value)!), trace, MaxPoints);
        if (PlaceWindow(points.Max(p => p.Step))) await _chart.Relayout();
    }

    private void OnPlotted() => _ = InvokeAsync(_gate.OpenAsync);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
