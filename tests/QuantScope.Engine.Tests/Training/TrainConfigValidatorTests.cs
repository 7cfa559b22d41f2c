using QuantScope.Engine.Quantization;
using QuantScope.Engine.Training;

namespace QuantScope.Engine.Tests.Training;

public class TrainConfigValidatorTests
{
    private static string[] Fields(TrainConfig c) => TrainConfigValidator.Validate(c).Select(e => e.Field).ToArray();

    [Theory]
    [InlineData("e4m3")]
    [InlineData("e5m2")]
    [InlineData("hif8")]
    [InlineData("HiF8")]
    public void Recipe_ElementFormats_Valid(string format) =>
        Assert.Empty(Fields(TrainConfig.Tiny with { Recipe = new DelayedScalingRecipe { Format = format } }));

    [Theory]
    [InlineData("mxfp4")]
    [InlineData("int4")]
    [InlineData("e3m4")]
    public void Recipe_NonElementFormats_Rejected(string format) =>
        Assert.Equal(["recipe.format"], Fields(TrainConfig.Tiny with { Recipe = new DelayedScalingRecipe { Format = format } }));

    [Fact]
    public void Recipe_Mean_Valid() =>
        Assert.Empty(Fields(TrainConfig.Tiny with { Recipe = new DelayedScalingRecipe { AmaxComputeAlgo = "mean" } }));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Recipe_UpdatePeriod_Rejected(int period) =>
        Assert.Equal(["recipe.updatePeriod"], Fields(TrainConfig.Tiny with { Recipe = new DelayedScalingRecipe { UpdatePeriod = period } }));
}
