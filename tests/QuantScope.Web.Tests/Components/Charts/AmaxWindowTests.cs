using QuantScope.Web.Components.Charts;

namespace QuantScope.Web.Tests.Components.Charts;

public sealed class AmaxWindowTests
{
    // Every step logged: amax 1, 5, 2, 3, 4 at steps 0..4, one layer.
    private static readonly LayerPoint[] Points =
        [.. new[] { 1f, 5f, 2f, 3f, 4f }.Select((v, s) => new LayerPoint(s, MetricCatalog.Amax, TensorRoles.Input, [v]))];

    [Theory]
    [InlineData("max", 5.0)] // steps 1..3: 5, 2, 3
    [InlineData("most_recent", 3.0)]
    [InlineData("mean", 10.0 / 3)]
    public void At_EveryStepLogged_ThreeEntriesAndTheAlgorithmsValue(string algorithm, double expected)
    {
        var entry = new PlanEntry("l", TensorRoles.Input, "e4m3", $"delayed(h=3,{algorithm},margin=0)", null);
        var w = AmaxWindow.At(Points, 0, TensorRoles.Input, 4, entry)!;
        Assert.Equal([(1, 5f), (2, 2f), (3, 3f)], w.Entries);
        Assert.Equal((3, 3, false), (w.Stored, w.Expected, w.Sparse));
        Assert.Equal(expected, w.FromStored!.Value, 6);
        Assert.Equal(4f, w.Amax);
        Assert.Null(w.AmaxPred); // not recorded in these points
    }

    [Theory]
    [InlineData("current(margin=0)")]
    [InlineData("block")]
    [InlineData("high precision")]
    public void At_NoDelayedScaling_Null(string recipe) =>
        Assert.Null(AmaxWindow.At(Points, 0, TensorRoles.Input, 4, new PlanEntry("l", TensorRoles.Input, "e4m3", recipe, null)));
}
