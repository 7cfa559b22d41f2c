using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using QuantScope.Web.Api;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// A finished layers × steps heatmap (compare view, difference). Static data: the page recreates it with <c>@key</c>
/// when the metric, role or runs change. An optional fixed colour range puts several heatmaps on one scale.
/// </summary>
public partial class StaticHeatmap
{
    private PlotFigure _figure = default!;

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>Chart title.</summary>
    [Parameter, EditorRequired] public string Title { get; set; } = "";

    /// <summary>The values, layers × steps, null where not measured.</summary>
    [Parameter, EditorRequired] public HeatmapDto Data { get; set; } = default!;

    /// <summary>Colour-bar label, with its unit.</summary>
    [Parameter, EditorRequired] public string ValueLabel { get; set; } = "";

    /// <summary>Lower end of the colour scale; with <see cref="ZMax"/>, the scale shared with other heatmaps.</summary>
    [Parameter] public double? ZMin { get; set; }

    /// <summary>Upper end of the colour scale.</summary>
    [Parameter] public double? ZMax { get; set; }

    /// <summary>A colour-blind-safe scale: Viridis (default) or Cividis.</summary>
    [Parameter] public string ColorScale { get; set; } = "Viridis";

    /// <summary>Called with the layer (full module name) of a clicked cell.</summary>
    [Parameter] public EventCallback<string> OnLayerClicked { get; set; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var layout = ChartStyle.Layout(Title, "step", "layer (full module name)", height: Math.Max(300, 110 + 16 * Data.Layers.Count));
        layout.Margin.L = 230;
        layout.YAxis[0].DTick = 1;
        var heatmap = new HeatMap
        {
            Name = ValueLabel,
            Y = Data.Layers.Cast<object>().ToList(),
            ColorScale = ColorScale,
            ColorBar = new Plotly.Blazor.Traces.HeatMapLib.ColorBar { Title = new Plotly.Blazor.Traces.HeatMapLib.ColorBarLib.Title { Text = ValueLabel } },
            HoverTemplate = "%{y}<br>step %{x}<br>" + ValueLabel + " %{z}<extra></extra>",
        };
        if (ZMin is { } min && ZMax is { } max)
        {
            heatmap.ZAuto = false;
            heatmap.ZMin = (decimal)min;
            heatmap.ZMax = (decimal)max;
        }
        // x: steps as float64; z: one row per layer over the steps, float32 (null, not measured: NaN, a gap).
        var columns = new PlotColumns()
            .Add(0, "x", Data.Steps.Select(s => (double)s).ToArray())
            .AddRows(0, "z", Data.Values.Select(r => r.Select(v => v ?? float.NaN).ToArray()), Data.Steps.Length);
        _figure = new PlotFigure([heatmap], layout, ChartStyle.ConfigFor(Id), columns);
    }

    // Clicks are listened to only when the page wants them.
    private EventCallback<string> OnClick => OnLayerClicked;
}
