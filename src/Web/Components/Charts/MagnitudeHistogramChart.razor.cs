using System.Globalization;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The magnitude histogram of one layer and role at one step: a bar per exponent bin (fractions of all elements), with
/// the format's representable binades shaded over it. Static: the panel recreates it (<c>@key</c>) for another step.
/// </summary>
public partial class MagnitudeHistogramChart
{
    private PlotFigure _figure = default!;

    /// <summary>DOM id of the chart.</summary>
    [Parameter, EditorRequired] public string Id { get; set; } = "";

    /// <summary>The histogram over steps.</summary>
    [Parameter, EditorRequired] public MagnitudeHistogram Histogram { get; set; } = default!;

    /// <summary>Index into <see cref="MagnitudeHistogram.Steps"/> of the step drawn.</summary>
    [Parameter, EditorRequired] public int StepIndex { get; set; }

    /// <summary>The format's representable binades, or null (high precision, unknown format).</summary>
    [Parameter] public FormatExponentRange? Range { get; set; }

    /// <summary>Tensor role, for the title.</summary>
    [Parameter] public string Role { get; set; } = "";

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        var step = Histogram.Steps[StepIndex];
        var layout = ChartStyle.Layout($"Magnitude histogram · {Role} · step {step}", "|x| binade (bin 2^k holds [2^k, 2^(k+1)))", "fraction of elements (0–1)");
        Label(layout.XAxis[0], Histogram);
        if (Range is { } r) layout.Shapes = [RangeShape(r)];
        var columns = new PlotColumns().Add(0, "x", Histogram.X.ToArray()).Add(0, "y", Histogram.Fractions[StepIndex]);
        _figure = new PlotFigure([new Bar { Name = $"step {step}" }], layout, ChartStyle.ConfigFor(Id), columns);
    }

    /// <summary>Ticks at the bins' positions, labelled 0, under, 2^k, over.</summary>
    public static void Label(Plotly.Blazor.LayoutLib.XAxis axis, MagnitudeHistogram histogram)
    {
        axis.TickMode = Plotly.Blazor.LayoutLib.XAxisLib.TickModeEnum.Array;
        axis.TickVals = histogram.X.Cast<object>().ToList();
        axis.TickText = histogram.Bins.Select(b => (object)b.Label).ToList();
    }

    /// <summary>The shaded band over the format's binades.</summary>
    public static Plotly.Blazor.LayoutLib.Shape RangeShape(FormatExponentRange r) => LiveLineChart.WindowShape(r.MinExponent - 0.5, r.MaxExponent + 0.5,
        $"{r.Format}: 2^{r.MinExponent.ToString(CultureInfo.InvariantCulture)} (smallest subnormal) … 2^{r.MaxExponent.ToString(CultureInfo.InvariantCulture)} (max)");
}
