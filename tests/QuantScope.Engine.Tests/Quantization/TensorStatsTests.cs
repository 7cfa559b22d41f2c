using QuantScope.Engine.Quantization;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>The per-tensor statistics against values computed by hand.</summary>
public class TensorStatsTests
{
    private static Tensor T(params float[] v) => tensor(v);

    [Fact]
    public void ErrorStats_UnderflowMseSqnr()
    {
        using var x = T(1f, 2f, 0f, 0.001f);
        using var q = T(1f, 2f, 0f, 0f); // the tiny value underflowed; zero stays zero and does not count
        var s = TensorAssert.Floats(QuantErrorStats.Compute(x, q));
        Assert.Equal(0.25f, s[0]);
        Assert.Equal(0.001f * 0.001f / 4, s[1], 1e-12f);
        // 10·log10((1 + 4 + 1e-6) / 1e-6) = 66.9897 dB
        Assert.Equal(10 * Math.Log10(5.000001 / 1e-6), s[2], 3);
    }

    [Fact]
    public void ErrorStats_Lossless_IsTheCap()
    {
        using var x = T(0.5f, -4f, 0f);
        var s = TensorAssert.Floats(QuantErrorStats.Compute(x, x));
        Assert.Equal([0f, 0f, (float)QuantErrorStats.LosslessSqnrDb], s);
    }

    [Fact]
    public void Overflow_CountsBeyondLimitAndNaN_NotTheLimitItself()
    {
        using var scaled = T(1f, -500f, 448f, 449f, float.NaN);
        Assert.Equal(0.6f, TensorAssert.Scalar(QuantErrorStats.OverflowFraction(scaled, 448)));
        using var hif8 = T(15f, -15.5f, 14f, 40f);
        Assert.Equal(0.5f, TensorAssert.Scalar(QuantErrorStats.OverflowFraction(hif8, 15)));
    }

    [Theory]
    [InlineData(new[] { 1f, -1f, 1f, -1f }, 1.0)]
    [InlineData(new[] { -3f, -1f, 1f, 3f }, 1.64)] // m2 = 5, m4 = 41
    [InlineData(new[] { 0f, 0f, 0f, 0f, 10f }, 3.25)] // mean 2: m2 = (4·4 + 64) / 5 = 16, m4 = (4·16 + 4096) / 5 = 832
    public void Kurtosis_HandComputed(float[] values, double expected)
    {
        using var x = tensor(values);
        Assert.Equal(expected, TensorAssert.Scalar(DistributionStats.Kurtosis(x)), 5);
    }

    [Fact]
    public void Kurtosis_NormalSampleIsAboutThree()
    {
        using var generator = new Generator(7, CPU);
        using var x = randn([200_000], generator: generator);
        Assert.Equal(3.0, TensorAssert.Scalar(DistributionStats.Kurtosis(x)), 1);
    }

    [Fact]
    public void ChannelRatioAndTopChannels_OverTheLastDimension()
    {
        using var x = tensor(new[] { 1f, 2f, 10f, -3f, 1f, 0f }).view(2, 3); // channel absmax [3, 2, 10]
        Assert.Equal(10f / 3f, TensorAssert.Scalar(DistributionStats.ChannelRatio(x)), 5);
        var (values, channels) = DistributionStats.TopChannels(x, 2);
        Assert.Equal([10f, 3f], TensorAssert.Floats(values));
        Assert.Equal([2f, 0f], TensorAssert.Floats(channels));
    }

    [Fact]
    public void HiF8Tiers_ByExponent()
    {
        using var scaled = T(0f, 1e-9f, MathF.Pow(2, -20), MathF.Pow(2, -10), MathF.Pow(2, -5), 1f, -15f, 20f, 300f, 70000f);
        // tier3: 1, -15 (|E| <= 3); tier2: 2^-5, 20 (E = 4); tier1: 2^-10, 300 (E = 8); tier0: 2^-20; 0, 1e-9 and 70000 in none.
        Assert.Equal([0.2f, 0.2f, 0.2f, 0.1f], TensorAssert.Floats(HiF8TierStats.Compute(scaled)));
    }
}
