using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using QuantScope.Web.Compare;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// Several runs' curves on one x axis (step or tokens). Static data: the page recreates it with <c>@key</c> when the
/// metric or x axis changes.
/// </summary>
public partial class OverlayChart
{
    private PlotFigure _figure = default!;

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>Chart title.</summary>
    [Parameter, EditorRequired] public string Title { get; set; } = "";

    /// <summary>X axis title with its unit.</summary>
    [Parameter, EditorRequired] public string XTitle { get; set; } = "";

    /// <summary>Y axis title with its unit.</summary>
    [Parameter, EditorRequired] public string YTitle { get; set; } = "";

    /// <summary>One curve per run, in legend order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<OverlaySeries> Series { get; set; } = [];

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        // x as float64, y as float32 (a non-finite value is a gap).
        var columns = new PlotColumns();
        for (var i = 0; i < Series.Count; i++)
            columns.Add(i, "x", Series[i].X.ToArray()).Add(i, "y", Series[i].Y.Select(v => float.IsFinite(v) ? v : float.NaN).ToArray());
        var traces = Series.Select(s => (ITrace)new Scatter { Name = s.Name, Mode = ModeFlag.Lines }).ToList();
        _figure = new PlotFigure(traces, ChartStyle.Layout(Title, XTitle, YTitle, height: 360), ChartStyle.ConfigFor(Id), columns);
    }
}
