using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

/// <summary>The per-tensor statistics against values computed by hand.</summary>
public class TensorStatsTests
{
    private static Tensor T(params float[] v) => tensor(v);

    // The device sums, finished on the host as the trainer does.
    private static double Kurtosis(Tensor x)
    {
        var sums = TensorAssert.Floats(DistributionStats.PowerSums(x));
        using var flat = x.reshape(-1);
        return DistributionStats.Kurtosis(x.numel(), sums[0], TensorAssert.Scalar(flat.dot(flat)), sums[1], sums[2]);
    }

    [Fact]
    public void ErrorStats_UnderflowMseSqnr()
    {
        using var x = T(1f, 2f, 0f, 0.001f);
        using var q = T(1f, 2f, 0f, 0f); // the tiny value underflowed; zero stays zero and does not count
        var (counts, energies) = QuantErrorStats.Sums(x, q);
        Assert.Equal([3L, 2L], counts.data<long>().ToArray());
        var e = TensorAssert.Floats(energies);
        Assert.Equal(1e-6f, e[0], 1e-12f);
        Assert.Equal(5.000001f, e[1], 1e-6f);
        Assert.Equal(0.25, QuantErrorStats.UnderflowFraction(4, 3, 2));
        Assert.Equal(1e-6 / 4, QuantErrorStats.Mse(4, 1e-6), 1e-15);
        // 10·log10((1 + 4 + 1e-6) / 1e-6) = 66.9897 dB
        Assert.Equal(10 * Math.Log10(5.000001 / 1e-6), QuantErrorStats.SqnrDb(1e-6, 5.000001), 6);
    }

    [Theory]
    [InlineData(0.0, 2.0, QuantErrorStats.LosslessSqnrDb)] // lossless: the cap
    [InlineData(0.0, 0.0, QuantErrorStats.LosslessSqnrDb)] // all zero, still lossless
    [InlineData(1e-40, 1.0, QuantErrorStats.LosslessSqnrDb)] // 400 dB is capped at 300
    [InlineData(1.0, 100.0, 20.0)]
    [InlineData(1.0, 0.0, double.NegativeInfinity)] // a zero tensor that became nonzero
    [InlineData(double.NaN, 1.0, double.NaN)]
    [InlineData(1.0, double.PositiveInfinity, QuantErrorStats.LosslessSqnrDb)]
    public void SqnrDb_EdgeCases(double errorEnergy, double signalEnergy, double expected) =>
        Assert.Equal(expected, QuantErrorStats.SqnrDb(errorEnergy, signalEnergy));

    [Fact]
    public void OverflowCount_CountsBeyondLimitAndNaN_NotTheLimitItself()
    {
        using var scaled = T(1f, -500f, 448f, 449f, float.NaN);
        Assert.Equal(3L, QuantErrorStats.OverflowCount(scaled, 448).item<long>());
        using var hif8 = T(15f, -15.5f, 14f, 40f);
        Assert.Equal(2L, QuantErrorStats.OverflowCount(hif8, 15).item<long>());
    }

    [Theory]
    [InlineData(new[] { 1f, -1f, 1f, -1f }, 1.0)]
    [InlineData(new[] { -3f, -1f, 1f, 3f }, 1.64)] // m2 = 5, m4 = 41
    [InlineData(new[] { 0f, 0f, 0f, 0f, 10f }, 3.25)] // mean 2: m2 = (4·4 + 64) / 5 = 16, m4 = (4·16 + 4096) / 5 = 832
    public void Kurtosis_HandComputed(float[] values, double expected)
    {
        using var x = tensor(values);
        Assert.Equal(expected, Kurtosis(x), 5);
    }

    [Fact]
    public void Kurtosis_NormalSampleIsAboutThree()
    {
        using var generator = new Generator(7, CPU);
        using var x = randn([200_000], generator: generator);
        Assert.Equal(3.0, Kurtosis(x), 1);
    }

    [Fact]
    public void ChannelRatioAndTopChannels_OverTheLastDimension()
    {
        using var x = tensor(new[] { 1f, 2f, 10f, -3f, 1f, 0f }).view(2, 3); // channel absmax [3, 2, 10]
        using var perChannel = DistributionStats.ChannelAbsMax(x);
        Assert.Equal([3f, 2f, 10f], TensorAssert.Floats(perChannel));
        Assert.Equal(10.0 / 3.0, DistributionStats.ChannelRatio(10, TensorAssert.Scalar(perChannel.median())), 6);
        var (values, channels) = DistributionStats.TopChannels(perChannel, 2);
        Assert.Equal([10f, 3f], TensorAssert.Floats(values));
        Assert.Equal([2f, 0f], TensorAssert.Floats(channels));
    }

    [Fact]
    public void Kurtosis_ConstantTensor_IsNaN() => Assert.True(double.IsNaN(DistributionStats.Kurtosis(3, 6, 12, 24, 48)));

    [Fact]
    public void HiF8Tiers_NaNIsInNoTier()
    {
        using var scaled = T(1f, float.NaN);
        using var bins = HiF8TierStats.CountBins(scaled);
        var tiers = HiF8TierStats.Tiers(bins.to(ScalarType.Float64).data<double>().ToArray(), 2);
        Assert.Equal([0.5, 0, 0, 0], tiers);
    }

    [Fact]
    public void HiF8Tiers_ByExponent()
    {
        using var scaled = T(0f, 1e-9f, MathF.Pow(2, -20), MathF.Pow(2, -10), MathF.Pow(2, -5), 1f, -15f, 20f, 300f, 70000f);
        // tier3: 1, -15 (|E| <= 3); tier2: 2^-5, 20 (E = 4); tier1: 2^-10, 300 (E = 8); tier0: 2^-20; 0, 1e-9 and 70000 in none.
        using var bins = HiF8TierStats.CountBins(scaled);
        Assert.Equal([2L, 1L, 1L, 1L, 2L, 1L, 1L, 1L], bins.data<long>().ToArray());
        Assert.Equal([0.2, 0.2, 0.2, 0.1], HiF8TierStats.Tiers(bins.to(ScalarType.Float64).data<double>().ToArray(), 10));
    }
}
