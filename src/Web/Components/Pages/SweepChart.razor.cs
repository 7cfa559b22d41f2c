using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using QuantScope.Web.Components.Charts;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Components.Pages;

/// <summary>A sweep chart (static data: the page recreates it with <c>@key</c> when the pickers or the data change).</summary>
public partial class SweepChart
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

    /// <summary>The traces, in legend order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<SweepTrace> Traces { get; set; } = [];

    /// <summary>Log-scale x axis (group sizes, parameter counts, tokens).</summary>
    [Parameter] public bool LogX { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var layout = ChartStyle.Layout(Title, XTitle, YTitle, height: 360);
        if (LogX) layout.XAxis[0].Type = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log;
        // Few points per trace: they travel inside the JSON spec.
        var traces = Traces.Select(t => (ITrace)new Scatter
        {
            Name = t.Name,
            Mode = t.Lines ? ModeFlag.Lines | ModeFlag.Markers : ModeFlag.Markers,
            X = t.X.ToList(),
            Y = t.Y.Select(v => v is { } d && double.IsFinite(d) ? (object?)d : null).Cast<object>().ToList(),
            TextArray = t.Text?.ToList(),
        }).ToList();
        _figure = new PlotFigure(traces, layout, ChartStyle.ConfigFor(Id));
    }
}
