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
    private IList<ITrace> _data = [];
    private Plotly.Blazor.Layout _layout = new();
    private Config _config = new();

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
        _config = ChartStyle.ConfigFor(Id);
        _layout = ChartStyle.Layout(Title, XTitle, YTitle, height: 360);
        _data = Series.Select(s => (ITrace)new Scatter
        {
            Name = s.Name,
            Mode = ModeFlag.Lines,
            X = s.X.Cast<object>().ToList(),
            Y = s.Y.Select(v => float.IsFinite(v) ? (object?)v : null).Cast<object>().ToList(),
        }).ToList();
    }
}
