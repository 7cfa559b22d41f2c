using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
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
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> _pending = [];
    private PlotlyChart? _chart;
    private IList<ITrace> _data = [];
    private Plotly.Blazor.Layout _layout = new();
    private bool _plotted;

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

    /// <summary>Most points kept per trace, in the browser and in the server copy.</summary>
    [Parameter] public int MaxPoints { get; set; } = 50_000;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _layout = ChartStyle.Layout(Title, "step", YTitle);
        _data = BuildTraces();
    }

    private List<ITrace> BuildTraces() =>
        TraceNames.Select((name, i) => (ITrace)new Scatter
        {
            Name = name,
            Mode = ModeFlag.Lines,
            X = (i < Initial.Count ? Initial[i] : []).Select(p => (object)p.Step).ToList(),
            Y = (i < Initial.Count ? Initial[i] : []).Select(p => ChartData.Plottable(p.Value)).Cast<object>().ToList(),
        }).ToList();

    /// <summary>Appends points to one trace.</summary>
    public async Task AppendAsync(int trace, IReadOnlyList<(int Step, float Value)> points)
    {
        if (points.Count == 0) return;
        await _gate.WaitAsync();
        try
        {
            if (!_plotted || _chart is null)
            {
                _pending.Add((trace, points));
                return;
            }
            await _chart.ExtendTrace(
                points.Select(p => (object)p.Step), points.Select(p => ChartData.Plottable(p.Value)!), trace, MaxPoints);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Replaces every trace and the title (e.g. another layer picked) and redraws once.</summary>
    public async Task ReplaceAsync(string title, IReadOnlyList<IReadOnlyList<(int Step, float Value)>> series)
    {
        await _gate.WaitAsync();
        try
        {
            Initial = series;
            _pending.Clear();
            _layout.Title = new Plotly.Blazor.LayoutLib.Title { Text = title };
            // The chart holds this same list: refill it in place, then redraw once.
            _data.Clear();
            foreach (var trace in BuildTraces()) _data.Add(trace);
            if (_chart is null || !_plotted) return;
            await _chart.React();
        }
        finally
        {
            _gate.Release();
        }
    }

    private void OnPlotted()
    {
        _ = InvokeAsync(async () =>
        {
            await _gate.WaitAsync();
            List<(int Trace, IReadOnlyList<(int Step, float Value)> Points)> pending;
            try
            {
                _plotted = true;
                pending = [.. _pending];
                _pending.Clear();
            }
            finally
            {
                _gate.Release();
            }
            foreach (var (trace, points) in pending) await AppendAsync(trace, points);
        });
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
