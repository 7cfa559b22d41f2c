using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class ChartDataTests
{
    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Plottable_NonFinite_IsGap(float value) => Assert.Null(ChartData.Plottable(value));

    [Fact]
    public void Plottable_Finite_IsValue() => Assert.Equal(0.25f, ChartData.Plottable(0.25f));

    [Fact]
    public void Scalar_MixedMetrics_PicksOneSortedByStep()
    {
        ScalarPoint[] points = [new(2, "loss", 3f), new(1, "lr", 0.1f), new(1, "loss", 4f)];
        Assert.Equal([(1, 4f), (2, 3f)], ChartData.Scalar(points, "loss"));
    }

    [Fact]
    public void LayerAndLatest_RowsOverLayers_PickTheColumn()
    {
        LayerPoint[] points =
        [
            new(1, "amax", "input", [1f, 2f]),
            new(0, "amax", "input", [5f, 6f]),
            new(1, "amax", "weight", [9f, 9f]),
        ];
        Assert.Equal([(0, 6f), (1, 2f)], ChartData.Layer(points, "amax", "input", 1));
        Assert.Equal([1f, 2f, float.NaN], ChartData.Latest(points, "amax", "input", 3));
        Assert.Equal([float.NaN], ChartData.Latest(points, "scale", "input", 1));
    }

    [Fact]
    public void DefaultLayer_PicksFirstDownProjection()
    {
        string[] layers = ["model.layers.0.self_attn.q_proj", "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"];
        Assert.Equal(2, ChartData.DefaultLayer(layers));
        Assert.Equal(0, ChartData.DefaultLayer(["a", "b"]));
    }
}
