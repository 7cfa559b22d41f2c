using QuantScope.Data.Series;


namespace QuantScope.Data.Export.Heatmaps;

/// <summary>
/// A heatmap ready to draw or write: <see cref="Values"/>[layer][column] is layer <see cref="Layers"/>[layer] at step
/// <see cref="Steps"/>[column]; NaN where the value was not measured.
/// </summary>
public sealed record HeatmapGrid(string RunName, string Metric, string Role, IReadOnlyList<string> Layers, int[] Steps, float[][] Values)
{
    /// <summary>The title of the picture: "run — metric (role)".</summary>
    public string Title => $"{RunName} — {Metric} ({Role})";

    /// <summary>
    /// Turns the store's step-major heatmap (rows may be shorter than the layer list) into a layer-major grid.
    /// </summary>
    public static HeatmapGrid From(string runName, string metric, string role, IReadOnlyList<string> layers, Heatmap heatmap)
    {
        var values = new float[layers.Count][];
        for (var l = 0; l < layers.Count; l++)
        {
            var row = new float[heatmap.Steps.Length];
            for (var j = 0; j < row.Length; j++)
            {
                var stored = heatmap.Values[j];
                row[j] = l < stored.Length ? stored[l] : float.NaN;
            }
            values[l] = row;
        }
        return new HeatmapGrid(runName, metric, role, layers, heatmap.Steps, values);
    }
}
