using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// A line chart over steps that grows by appending (Plotly ExtendTraces with a max), never by re-rendering.
/// Points that arrive before plotly has drawn the chart wait and are appended right after. x travels as float64 and
/// y as float32 buffers (<see cref="PlotColumns"/>); all traces of one push are appended in one redraw.
/// </summary>
public partial class LiveLineChart : IDisposable
{
    private readonly PlotGate<IReadOnlyList<(int Trace, IReadOnlyList<(int Step, float Value)> Points)>> _gate;
    private Plot? _plot;
    private PlotFigure _figure = default!;
    private Plotly.Blazor.Layout _layout = new();

    /// <summary>Creates the chart; pushes wait for plotly's first draw.</summary>
    public LiveLineChart() => _gate = new(Extend);

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
        _layout = ChartStyle.Layout(Title, XTitle, YTitle);
        var last = Initial.SelectMany(t => t).Select(p => (int?)p.Step).Max();
        if (last is { } step) PlaceWindow(step);
        _figure = BuildFigure();
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

    private PlotFigure BuildFigure()
    {
        var traces = TraceNames.Select(name => (ITrace)new Scatter { Name = name, Mode = ModeFlag.Lines }).ToList();
        var columns = new PlotColumns();
        for (var i = 0; i < traces.Count; i++) AddColumns(columns, i, i < Initial.Count ? Initial[i] : []);
        return new PlotFigure(traces, _layout, ChartStyle.ConfigFor(Id), columns);
    }

    /// <summary>Appends points to one trace.</summary>
    public Task AppendAsync(int trace, IReadOnlyList<(int Step, float Value)> points) => AppendAsync([(trace, points)]);

    /// <summary>Appends points to several traces at once (one redraw).</summary>
    public Task AppendAsync(IReadOnlyList<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> traces)
    {
        var nonEmpty = traces.Where(t => t.Points.Count > 0).ToList();
        return nonEmpty.Count == 0 ? Task.CompletedTask : _gate.PushAsync(nonEmpty);
    }

    // x (the step, or XOf's value; a step XOf maps to null is left out) as float64, y as float32 (NaN: a gap).
    private void AddColumns(PlotColumns columns, int trace, IReadOnlyList<(int Step, float Value)> points)
    {
        var x = new List<double>(points.Count);
        var y = new List<float>(points.Count);
        foreach (var (step, value) in points)
        {
            var at = XOf is null ? step : XOf(step);
            if (at is not { } v) continue;
            x.Add(v);
            y.Add(value);
        }
        columns.Add(trace, "x", CollectionsMarshal.AsSpan(x)).Add(trace, "y", CollectionsMarshal.AsSpan(y));
    }

    /// <summary>Replaces every trace and the title (e.g. another layer picked) and redraws once.</summary>
    public Task ReplaceAsync(string title, IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series) =>
        _gate.ResetAsync(async plotted =>
        {
            Initial = series;
            _layout.Title = new Plotly.Blazor.LayoutLib.Title { Text = title };
            _figure = BuildFigure();
            if (plotted && _plot is not null) await _plot.ReactAsync(_figure);
        });

    private async Task Extend(IReadOnlyList<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> traces)
    {
        var columns = new PlotColumns();
        foreach (var (trace, points) in traces) AddColumns(columns, trace, points);
        await _plot!.ExtendAsync(columns, MaxPoints);
        if (PlaceWindow(traces.SelectMany(t => t.Points).Max(p => p.Step)))
            await _plot.RelayoutAsync(new Plotly.Blazor.Layout { Shapes = _layout.Shapes });
    }

    private void OnPlotted() => _ = InvokeAsync(_gate.OpenAsync);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
