using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// A format's positive grid against its relative spacing, both axes log. Static data: the page recreates the
/// chart (with <c>@key</c>) when another format is picked, so there is nothing to push.
/// </summary>
public partial class FormatGridChart
{
    private PlotFigure _figure = default!;

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>Chart title.</summary>
    [Parameter, EditorRequired] public string Title { get; set; } = "";

    /// <summary>Positive representable values, ascending (x).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<double> Values { get; set; } = [];

    /// <summary>Gap to the next value / value, one per value (y).</summary>
    [Parameter, EditorRequired] public IReadOnlyList<double> RelativeSpacing { get; set; } = [];

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var layout = ChartStyle.Layout(Title, "representable value (log)", "relative spacing (gap / value, log)");
        layout.XAxis[0].Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log;
        layout.YAxis[0].Type = Plotly.Blazor.LayoutLib.YAxisLib.TypeEnum.Log;
        var columns = new PlotColumns().Add(0, "x", Values.ToArray()).Add(0, "y", RelativeSpacing.ToArray());
        _figure = new PlotFigure([new Scatter { Name = "grid", Mode = ModeFlag.Markers }], layout, ChartStyle.Config, columns);
    }
}
