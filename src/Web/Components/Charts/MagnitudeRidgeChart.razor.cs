using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The magnitude histogram over steps as a ridge chart: one row per step (at most <see cref="Rows"/>, evenly spread,
/// earliest at the bottom), each the histogram scaled to its row's height, with the format's binades shaded.
/// </summary>
public partial class MagnitudeRidgeChart
{
    /// <summary>Most rows drawn.</summary>
    public const int Rows = 8;

    private PlotFigure _figure = default!;

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>The histogram over steps.</summary>
    [Parameter, EditorRequired] public MagnitudeHistogram Histogram { get; set; } = default!;

    /// <summary>The format's representable binades, or null.</summary>
    [Parameter] public FormatExponentRange? Range { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var rows = Histogram.Spread(Rows);
        var layout = ChartStyle.Layout("Magnitude histogram over steps (each row scaled to its largest bin)", "|x| binade", "step", height: 120 + 45 * rows.Count);
        MagnitudeHistogramChart.Label(layout.XAxis[0], Histogram);
        layout.YAxis[0].TickMode = Plotly.Blazor.LayoutLib.YAxisLib.TickModeEnum.Array;
        layout.YAxis[0].TickVals = rows.Select((_, i) => (object)i).ToList();
        layout.YAxis[0].TickText = rows.Select(r => (object)Histogram.Steps[r]).ToList();
        if (Range is { } range) layout.Shapes = [MagnitudeHistogramChart.RangeShape(range)];
        var columns = new PlotColumns();
        var traces = new List<ITrace>();
        for (var i = 0; i < rows.Count; i++)
        {
            var fractions = Histogram.Fractions[rows[i]];
            var top = fractions.Where(double.IsFinite).DefaultIfEmpty(0).Max();
            var y = fractions.Select(f => i + (top > 0 && double.IsFinite(f) ? 0.9 * f / top : 0)).ToArray(); // row i spans [i, i + 0.9]
            columns.Add(i, "x", Histogram.X.ToArray()).Add(i, "y", y);
            traces.Add(new Scatter { Name = $"step {Histogram.Steps[rows[i]]}", Mode = ModeFlag.Lines, Line = new Line { Shape = Plotly.Blazor.Traces.ScatterLib.LineLib.ShapeEnum.Hvh } });
        }

        _figure = new PlotFigure(traces, layout, ChartStyle.ConfigFor(Id), columns);
    }
}
