using System.Xml.Linq;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using ScottPlot;

namespace QuantScope.Data.Export.Heatmaps;

/// <summary>
/// Draws a <see cref="HeatmapGrid"/> on the server with ScottPlot (SkiaSharp underneath): layers down the y axis by full
/// module name (first layer on top), steps along x, the viridis colormap (perceptually uniform), a colour bar labelled
/// with the metric's unit, "run — metric (role)" as the title, cells that were not measured in grey. Infinite cells
/// (a diverged run's overflow, exactly what users export) are drawn in their own colour, named in the legend, and the
/// colour scale spans the finite values only.
/// </summary>
public static class HeatmapImage
{
    /// <summary>Default picture width, pixels.</summary>
    public const int DefaultWidth = 1200;

    /// <summary>Smallest and largest width or height accepted, pixels.</summary>
    public const int MinSize = 200, MaxSize = 8000;

    /// <summary>At most this many step labels along x.</summary>
    private const int MaxStepTicks = 12;

    private static readonly Color NotMeasured = Color.FromHex("#C8C8C8");

    /// <summary>Infinite cells: a red far from every viridis colour.</summary>
    private static readonly Color NonFinite = Color.FromHex("#E0115F");

    /// <summary>Default height: room for every layer name (20 px a row), 400..4000 px.</summary>
    public static int DefaultHeight(int layerCount) => Math.Clamp(160 + 20 * layerCount, 400, 4000);

    /// <summary>The picture as PNG bytes.</summary>
    public static byte[] Png(HeatmapGrid grid, int width, int height) => Build(grid).GetImageBytes(width, height, ImageFormat.Png);

    /// <summary>
    /// The picture as an SVG document, with the title also as the document's <c>&lt;title&gt;</c> (named even when
    /// no font was found to draw text with).
    /// </summary>
    public static string Svg(HeatmapGrid grid, int width, int height)
    {
        var svg = XDocument.Parse(Build(grid).GetSvgXml(width, height));
        var root = svg.Root!;
        root.AddFirst(new XElement(root.Name.Namespace + "title", grid.Title));
        return (svg.Declaration is { } declaration ? declaration + "\n" : "") + root.ToString(SaveOptions.DisableFormatting);
    }

    private static Plot Build(HeatmapGrid grid)
    {
        var plot = new Plot();
        if (PlotFonts.Available) plot.Font.Set(PlotFonts.Family);
        plot.Title(grid.Title);
        plot.XLabel("step");
        plot.YLabel("layer");
        plot.HideGrid();

        var rows = grid.Layers.Count;
        var columns = grid.Steps.Length;
        var anyValue = grid.Values.Any(r => r.Any(v => !float.IsNaN(v)));
        if (rows == 0 || columns == 0 || !anyValue)
        {
            plot.Add.Annotation("no data", Alignment.MiddleCenter);
            return plot;
        }

        // ScottPlot draws row 0 at the top; cell (r, c) is centred on x = c, y = rows - 1 - r.
        // The colour scale takes the finite cells; infinite ones go to an overlay of one colour (NaN is transparent there).
        var data = new double[rows, columns];
        var infinite = new double[rows, columns];
        bool anyInfinite = false, anyMissing = false, anyFinite = false;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var v = grid.Values[r][c];
                data[r, c] = float.IsFinite(v) ? v : double.NaN;
                infinite[r, c] = float.IsInfinity(v) ? 1 : double.NaN;
                anyInfinite |= float.IsInfinity(v);
                anyMissing |= float.IsNaN(v);
                anyFinite |= float.IsFinite(v);
            }
        }

        if (anyFinite) // nothing finite: no colour scale, only the overlay below
        {
            var heatmap = plot.Add.Heatmap(data);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            heatmap.NaNCellColor = anyInfinite ? Colors.Transparent : NotMeasured;
            var colorBar = plot.Add.ColorBar(heatmap);
            colorBar.Label = MetricCatalog.UnitOf(grid.Metric);
        }
        if (anyInfinite)
        {
            // Under the main heatmap's transparent NaN cells: grey where not measured, red where infinite.
            var overlay = plot.Add.Heatmap(infinite);
            overlay.Colormap = new SolidColormap(NonFinite);
            overlay.NaNCellColor = NotMeasured;
            overlay.ManualRange = new ScottPlot.Range(0, 1);
            plot.MoveToBack(overlay);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "non-finite", FillColor = NonFinite });
            if (anyMissing) plot.Legend.ManualItems.Add(new LegendItem { LabelText = "not measured", FillColor = NotMeasured });
            plot.ShowLegend(Alignment.UpperRight);
        }

        plot.Axes.Left.SetTicks(
            [.. Enumerable.Range(0, rows).Select(r => (double)(rows - 1 - r))], [.. grid.Layers]);
        var stride = (columns + MaxStepTicks - 1) / MaxStepTicks;
        var tickColumns = Enumerable.Range(0, columns).Where(c => c % stride == 0).ToArray();
        plot.Axes.Bottom.SetTicks(
            [.. tickColumns.Select(c => (double)c)], [.. tickColumns.Select(c => CsvText.Number(grid.Steps[c]))]);
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        return plot;
    }

    private sealed class SolidColormap(Color color) : IColormap
    {
        public string Name => "non-finite";

        public Color GetColor(double normalizedIntensity) => color;
    }
}
