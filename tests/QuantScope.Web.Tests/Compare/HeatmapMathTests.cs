using QuantScope.Web.Api;
using QuantScope.Web.Compare;

namespace QuantScope.Web.Tests.Compare;

public sealed class HeatmapMathTests
{
    [Fact]
    public void Difference_StepsIntersectedLayersMatchedByName_NullWhereEitherMissing()
    {
        var a = new HeatmapDto(["l0", "l1", "onlyA"], [0, 1, 2], [[1f, 2f, 3f], [10f, null, 30f], [5f, 5f, 5f]]);
        var b = new HeatmapDto(["l1", "l0"], [1, 2, 3], [[4f, 8f, 9f], [0.5f, 1f, 7f]]);
        var d = HeatmapMath.Difference(a, b);
        Assert.Equal(["l0", "l1"], d.Layers);
        Assert.Equal([1, 2], d.Steps);
        Assert.Equal([1.5f, 2f], d.Values[0]);
        Assert.Equal([null, 22f], d.Values[1]);
    }

    [Fact]
    public void Difference_OfItself_AllZeros()
    {
        var a = new HeatmapDto(["l0", "l1"], [0, 5], [[0.25f, 1e-6f], [3f, null]]);
        var d = HeatmapMath.Difference(a, a);
        Assert.Equal(a.Steps, d.Steps);
        Assert.Equal([0f, 0f], d.Values[0]);
        Assert.Equal([0f, null], d.Values[1]);
    }

    [Fact]
    public void Difference_NoCommonSteps_Empty()
    {
        var d = HeatmapMath.Difference(new HeatmapDto(["l"], [0], [[1f]]), new HeatmapDto(["l"], [1], [[1f]]));
        Assert.Empty(d.Steps);
        Assert.Empty(Assert.Single(d.Values));
    }

    [Fact]
    public void FromStored_StepRowsToLayerRows_NaNAsNull()
    {
        var dto = HeatmapMath.FromStored(["a", "b"], new Heatmap([3, 4], [[1f, float.NaN], [2f]]));
        Assert.Equal([1f, 2f], dto.Values[0]);
        Assert.Equal([null, null], dto.Values[1]);
    }

    [Fact]
    public void SharedRange_AcrossHeatmaps_IgnoresNulls()
    {
        var range = HeatmapMath.SharedRange([new HeatmapDto(["a"], [0, 1], [[0.5f, null]]), new HeatmapDto(["a"], [0], [[-2f]])]);
        Assert.Equal((-2f, 0.5f), range);
        Assert.Null(HeatmapMath.SharedRange([new HeatmapDto(["a"], [0], [[null]])]));
    }

    [Fact]
    public void Downsample_PoolsByLargestMagnitude_KeepsSpikes()
    {
        var h = new HeatmapDto(["a"], [0, 1, 2, 3, 4], [[0.1f, -0.9f, 0.2f, null, 0.3f]]);
        var d = HeatmapMath.Downsample(h, 3);
        Assert.Equal([0, 2, 4], d.Steps);
        Assert.Equal([-0.9f, 0.2f, 0.3f], d.Values[0]);
        Assert.Same(h, HeatmapMath.Downsample(h, 10));
    }
}
