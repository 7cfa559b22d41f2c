using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The amax history window at one step: the stored amax of the H steps before it (bars), the amaxPred the scale was
/// computed from (a line across the window) and the step's own amax (a marker: above the line = saturated).
/// </summary>
public partial class AmaxWindowChart
{
    private PlotFigure _figure = default!;

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>The window.</summary>
    [Parameter, EditorRequired] public AmaxWindow Window { get; set; } = default!;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var w = Window;
        var layout = ChartStyle.Layout($"amax history behind step {w.Step}'s scale ({w.Settings.Algorithm} over H = {w.Settings.HistoryLength})", "step", "|x| max (tensor units)");
        var columns = new PlotColumns()
            .Add(0, "x", w.Entries.Select(e => (double)e.Step).ToArray()).Add(0, "y", w.Entries.Select(e => e.Amax).ToArray());
        var traces = new List<ITrace> { new Bar { Name = $"stored amax ({w.Stored} of {w.Expected} steps)" } };
        if (w.AmaxPred is { } pred)
        {
            columns.Add(traces.Count, "x", [w.Step - w.Settings.HistoryLength - 0.5, w.Step + 0.5]).Add(traces.Count, "y", [pred, pred]);
            traces.Add(new Scatter { Name = "amaxPred (the scale's amax)", Mode = ModeFlag.Lines });
        }

        if (w.Amax is { } now)
        {
            columns.Add(traces.Count, "x", [(double)w.Step]).Add(traces.Count, "y", [now]);
            traces.Add(new Scatter { Name = $"amax at step {w.Step}", Mode = ModeFlag.Markers });
        }

        _figure = new PlotFigure(traces, layout, ChartStyle.ConfigFor(Id), columns);
    }
}
