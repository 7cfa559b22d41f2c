using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// Layers x steps heatmap that grows by appending one column per step, or per bucket of steps on long runs
/// (ExtendTraces on z with a max). z is stored one row per column and shown transposed, so a new column is an appended row.
/// z and x travel as float32/float64 buffers (<see cref="PlotColumns"/>), not as JSON numbers.
/// </summary>
public partial class SaturationHeatmap : IDisposable
{
    private readonly PlotGate<IReadOnlyList<(int Step, float[] Row)>> _gate;
    private Plot? _plot;
    private PlotFigure _figure = default!;
    private int _lastStep = int.MinValue;

    /// <summary>Creates the heatmap; pushes wait for plotly's first draw.</summary>
    public SaturationHeatmap() => _gate = new(Extend);

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>Chart title.</summary>
    [Parameter, EditorRequired] public string Title { get; set; } = "";

    /// <summary>Row labels: full module names, in the order of the values in each row.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<string> Layers { get; set; } = [];

    /// <summary>History: one row over layers per step.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<(int Step, float[] Row)> Initial { get; set; } = [];

    /// <summary>Colour-bar label, with its unit.</summary>
    [Parameter] public string ValueLabel { get; set; } = "";

    /// <summary>Called with the layer (full module name) of a clicked cell.</summary>
    [Parameter] public EventCallback<string> OnLayerClicked { get; set; }

    /// <summary>The plotly colour scale (<see cref="MetricOptions.ColorScaleOf"/>).</summary>
    [Parameter] public string ColorScale { get; set; } = nameof(Engine.Telemetry.ColorScale.Viridis);

    /// <summary>Steps per column: above 1, each column is the worst value of that many steps (see HeatmapBucketer).</summary>
    [Parameter] public int StepsPerColumn { get; set; } = 1;

    /// <summary>Most steps (columns) kept.</summary>
    [Parameter] public int MaxSteps { get; set; } = 10_000;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var xTitle = StepsPerColumn > 1 ? $"step (each column: the worst of {StepsPerColumn} steps; exports have every step)" : "step";
        var layout = ChartStyle.Layout(Title, xTitle, "layer (full module name)", height: Math.Max(320, 90 + 16 * Layers.Count));
        layout.Margin.L = 230;
        layout.YAxis[0].DTick = 1; // label every layer
        ITrace heatmap = new HeatMap
        {
            Name = ValueLabel,
            Transpose = true,
            Y = Layers.Cast<object>().ToList(),
            ColorScale = ColorScale, // the metric's, from the catalog (perceptually uniform and colour-blind safe)
            ColorBar = new Plotly.Blazor.Traces.HeatMapLib.ColorBar { Title = new Plotly.Blazor.Traces.HeatMapLib.ColorBarLib.Title { Text = ValueLabel } },
            HoverTemplate = "%{y}<br>" + (StepsPerColumn > 1 ? $"{StepsPerColumn} steps from %{{x}}<br>worst " : "step %{x}<br>")
                + ValueLabel + " %{z}<extra></extra>",
        };
        _figure = new PlotFigure([heatmap], layout, ChartStyle.ConfigFor(Id), Columns(Initial));
        if (Initial.Count > 0) _lastStep = Initial[^1].Step;
    }

    /// <summary>Appends one column per step; steps already shown are skipped (a metric switch re-reads the history).</summary>
    public Task AppendAsync(IReadOnlyList<(int Step, float[] Row)> rows)
    {
        var fresh = rows.Where(r => r.Step > _lastStep).ToList();
        if (fresh.Count == 0) return Task.CompletedTask;
        _lastStep = fresh[^1].Step;
        return _gate.PushAsync(fresh);
    }

    private Task Extend(IReadOnlyList<(int Step, float[] Row)> rows) => _plot!.ExtendAsync(Columns(rows), MaxSteps);

    // x: the columns' steps; z: one row of layer values per column (NaN: not measured, drawn as a gap).
    private PlotColumns Columns(IReadOnlyList<(int Step, float[] Row)> rows)
    {
        var steps = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++) steps[i] = rows[i].Step;
        return new PlotColumns().Add(0, "x", steps).AddRows(0, "z", rows.Select(r => r.Row), Layers.Count);
    }

    private void OnPlotted() => _ = InvokeAsync(_gate.OpenAsync);

    private Task OnClick(string layer) => OnLayerClicked.InvokeAsync(layer);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
