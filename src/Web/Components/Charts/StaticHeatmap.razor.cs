using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Interop;
using Plotly.Blazor.Traces;
using QuantScope.Web.Api;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// A finished layers × steps heatmap (compare view, difference). Static data: the page recreates it with <c>@key</c>
/// when the metric, role or runs change. An optional fixed colour range puts several heatmaps on one scale.
/// </summary>
public partial class StaticHeatmap
{
    private PlotlyChart? _chart;
    private IList<ITrace> _data = [];
    private Plotly.Blazor.Layout _layout = new();
    private Config _config = new();
    private bool _subscribed;

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
        _config = ChartStyle.ConfigFor(Id);
        _layout = ChartStyle.Layout(Title, "step", "layer (full module name)", height: Math.Max(300, 110 + 16 * Data.Layers.Count));
        _layout.Margin.L = 230;
        _layout.YAxis[0].DTick = 1;
        var heatmap = new HeatMap
        {
            Name = ValueLabel,
            X = Data.Steps.Select(s => (object)s).ToList(),
            Y = Data.Layers.Cast<object>().ToList(),
            Z = Data.Values.Select(r => (object)r.Select(v => v is { } x && float.IsFinite(x) ? (object?)x : null).ToArray()).ToList(),
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
        _data = [heatmap];
    }

    private void OnPlotted() => _ = InvokeAsync(SubscribeClicksAsync);

    private async Task SubscribeClicksAsync()
    {
        if (_subscribed || !OnLayerClicked.HasDelegate || _chart is null) return;
        _subscribed = true;
        await _chart.SubscribeClickEvent();
    }

    private void OnClick(IEnumerable<EventDataPoint> points)
    {
        if (points.FirstOrDefault()?.Y?.ToString() is { } layer) _ = InvokeAsync(() => OnLayerClicked.InvokeAsync(layer));
    }
}
