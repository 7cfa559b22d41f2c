using QuantScope.Engine.Analysis.Replay;

namespace QuantScope.Engine.Tests.Analysis.Replay;

public class RecipeTextTests
{
    [Fact]
    public void TryParseDelayed_DescribeOutput_RoundTrips()
    {
        var recipe = new DelayedScalingRecipe { Format = FormatName.HiF8, AmaxHistoryLength = 4, AmaxComputeAlgo = AmaxAlgorithm.MostRecent, Margin = 1, UpdatePeriod = 2 };
        var s = RecipeText.TryParseDelayed(ResolvedPlan.Describe(recipe), "hif8");
        Assert.Equal(new ReplaySettings { HistoryLength = 4, Algorithm = AmaxAlgorithm.MostRecent, Margin = 1, UpdatePeriod = 2, TargetMax = 15 }, s);
        Assert.Equal(new ReplaySettings { HistoryLength = 16, TargetMax = 57344 }, RecipeText.TryParseDelayed(ResolvedPlan.Describe(new DelayedScalingRecipe()), "e5m2"));
    }

    [Theory]
    [InlineData("current(margin=0)")]
    [InlineData("block")]
    [InlineData("high precision")]
    [InlineData("delayed(h=0,max,margin=0)")]
    [InlineData("delayed(h=4,median,margin=0)")]
    [InlineData(null)]
    public void TryParseDelayed_NotDelayedOrInvalid_ReturnsNull(string? recipe) =>
        Assert.Null(RecipeText.TryParseDelayed(recipe, "e4m3"));
}
