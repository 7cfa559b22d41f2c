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

    [Fact]
    public void Png_InfiniteCells_DrawnInTheNonFiniteColourWithoutThrowing()
    {
        var diverged = (float)1e39; // what a float32 store holds for 1e39: +Infinity
        var grid = new HeatmapGrid("diverged", "amax", "input", ["a", "b"], [0, 1, 2],
            [[1f, 2f, diverged], [float.NegativeInfinity, 3f, float.NaN]]);

        using var bitmap = SKBitmap.Decode(HeatmapImage.Png(grid, 600, 400));

        Assert.Equal((600, 400), (bitmap.Width, bitmap.Height));
        Assert.Contains(bitmap.Pixels, p => p.Red == 0xE0 && p.Green == 0x11 && p.Blue == 0x5F);
    }

    [Fact]
    public void Svg_OnlyInfiniteCells_RendersWithTheLegend()
    {
        var grid = new HeatmapGrid("all-inf", "amax", "input", ["a"], [0, 1], [[float.PositiveInfinity, float.NegativeInfinity]]);

        var svg = HeatmapImage.Svg(grid, 500, 300);

        Assert.Contains("<title>all-inf", svg);
        Assert.Contains("e0115f", svg, StringComparison.OrdinalIgnoreCase);
    }
}
