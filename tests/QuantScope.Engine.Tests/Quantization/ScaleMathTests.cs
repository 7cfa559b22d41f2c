using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class ScaleMathTests
{
    private const float Previous = 7f;

    // scale = 448 / amax / 2^margin, previous scale kept for unusable amax, float32 max when the quotient overflows.
    public static TheoryData<float, int, float> ScaleTable => new()
    {
        { 0f, 0, Previous },                          // zero: nothing to scale by
        { float.Epsilon, 0, float.MaxValue },         // 2^-149: 448 · 2^149 overflows float32 -> clamp to max
        { 1e-40f, 0, float.MaxValue },                // subnormal amax: overflow too
        { 0.0009765625f, 0, 458752f },                // tiny normal 2^-10: 448 · 1024
        { 2f, 0, 224f },
        { 448f, 0, 1f },
        { 100f, 0, 4.48f },                           // correctly rounded 448 / 100
        { 2f, 1, 112f },                              // margin 1 halves the scale
        { 1792f, 2, 0.0625f },                        // 448 / 1792 / 4 = 1/16
        { float.PositiveInfinity, 0, Previous },
        { float.NegativeInfinity, 0, Previous },
        { float.NaN, 0, Previous },
        { -3f, 0, Previous },
    };

    [Theory]
    [MemberData(nameof(ScaleTable))]
    public void ComputeScale_AmaxTable_MatchesHandComputedScale(float amax, int margin, float expected)
    {
        using var pred = tensor(amax);
        using var previous = tensor(Previous);
        using var scale = ScaleMath.ComputeScale(448.0, pred, margin, previous);
        TensorAssert.BitEqual(expected, TensorAssert.Scalar(scale), $"amax {amax:R}, margin {margin}");
    }

    [Fact]
    public void AmaxPred_MaxAndMostRecent_PickWindowMaxOrNewest()
    {
        using var history = tensor(new[] { 3f, 5f, 1f, 0f }); // index 0 = newest
        Assert.Equal(5f, TensorAssert.Scalar(ScaleMath.AmaxPred(history, AmaxAlgorithm.Max)));
        Assert.Equal(3f, TensorAssert.Scalar(ScaleMath.AmaxPred(history, AmaxAlgorithm.MostRecent)));
    }

    [Fact]
    public void AmaxPred_NaNInWindow_MaxIsNaN()
    {
        using var history = tensor(new[] { 3f, float.NaN, 1f });
        Assert.True(float.IsNaN(TensorAssert.Scalar(ScaleMath.AmaxPred(history, AmaxAlgorithm.Max))));
        Assert.Equal(3f, TensorAssert.Scalar(ScaleMath.AmaxPred(history, AmaxAlgorithm.MostRecent)));
    }

    [Fact]
    public void Amax_MixedSigns_ReturnsLargestMagnitude()
    {
        using var x = tensor(new[] { 0.5f, -9f, 3f, 8.5f });
        Assert.Equal(9f, TensorAssert.Scalar(ScaleMath.Amax(x)));
    }

    [Fact]
    public void Amax_OneNaN_ReturnsNaN()
    {
        using var x = tensor(new[] { 0.5f, float.NaN, 3f });
        Assert.True(float.IsNaN(TensorAssert.Scalar(ScaleMath.Amax(x))));
    }

    [Fact]
    public void ParseAlgorithm_KnownAndUnknownNames_MapOrThrow()
    {
        Assert.Equal(AmaxAlgorithm.Max, ScaleMath.ParseAlgorithm("max"));
        Assert.Equal(AmaxAlgorithm.MostRecent, ScaleMath.ParseAlgorithm("most_recent"));
        Assert.Throws<ArgumentException>(() => ScaleMath.ParseAlgorithm("median"));
    }
}
