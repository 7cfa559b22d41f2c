using QuantScope.Data.Export;
using QuantScope.Data.Export.Heatmaps;
using SkiaSharp;

namespace QuantScope.Data.Tests.Export.Heatmaps;

/// <summary>Rendering edge cases and the unit lookup, without the store.</summary>
public sealed class HeatmapImageTests
{
    [Fact]
    public void Png_WithNoData_StillRendersTheRequestedSize()
    {
        var grid = new HeatmapGrid("empty", "sqnrDb", "grad", ["model.layers.0.mlp.up_proj"], [], [[]]);
        using var bitmap = SKBitmap.Decode(HeatmapImage.Png(grid, 320, 240));
        Assert.Equal((320, 240), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Png_AllCellsOneValue_DoesNotThrow()
    {
        var grid = new HeatmapGrid("flat", "overflowFraction", "input", ["a", "b"], [0, 1], [[0f, 0f], [0f, float.NaN]]);
        using var bitmap = SKBitmap.Decode(HeatmapImage.Png(grid, 400, 300));
        Assert.Equal(400, bitmap.Width);
    }

    [Fact]
    public void From_ShortStoredRows_AreNaN()
    {
        var grid = HeatmapGrid.From("r", "amax", "input", ["a", "b"], new QuantScope.Data.Series.Heatmap([5, 7], [[1f, 2f], [3f]]));
        Assert.Equal([5, 7], grid.Steps);
        Assert.Equal([1f, 3f], grid.Values[0]);
        Assert.Equal(2f, grid.Values[1][0]);
        Assert.True(float.IsNaN(grid.Values[1][1]));
        Assert.Equal("r — amax (input)", grid.Title);
    }
}
