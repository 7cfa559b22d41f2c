using System.Text;

namespace QuantScope.Data.Export.Heatmaps;

/// <summary>
/// A heatmap as CSV: header <c>layer,STEP,STEP,...</c>, one row per layer, values in round-trip form, an empty cell
/// where the value was not measured.
/// </summary>
public static class HeatmapCsv
{
    /// <summary>The CSV text (lines end with \n).</summary>
    public static string Write(HeatmapGrid grid)
    {
        var text = new StringBuilder();
        text.Append("layer");
        foreach (var step in grid.Steps) text.Append(',').Append(CsvText.Number(step));
        text.Append('\n');
        for (var l = 0; l < grid.Layers.Count; l++)
        {
            text.Append(CsvText.Cell(grid.Layers[l]));
            foreach (var value in grid.Values[l])
            {
                text.Append(',');
                if (!float.IsNaN(value)) text.Append(CsvText.Number(value));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The CSV as UTF-8 bytes (no byte-order mark).</summary>
    public static byte[] WriteBytes(HeatmapGrid grid) => new UTF8Encoding(false).GetBytes(Write(grid));
}
