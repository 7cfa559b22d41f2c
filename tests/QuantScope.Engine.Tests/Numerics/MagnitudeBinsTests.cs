namespace QuantScope.Engine.Tests.Numerics;

public sealed class MagnitudeBinsTests
{
    [Fact]
    public void For_E4M3_ZeroUnderPowersFromMinus9To8Over()
    {
        var bins = MagnitudeBins.For(FormatName.E4M3);
        Assert.Equal(["magHist.zero", "magHist.under", .. Enumerable.Range(-9, 18).Select(k => $"magHist.e{k}"), "magHist.over"], bins.Select(b => b.Metric));
        Assert.Equal([true, true, .. Enumerable.Repeat(false, 18), true], bins.Select(b => b.Exponent is null));
        Assert.False(bins[1].Representable);
        Assert.False(bins[^1].Representable);
        Assert.All(bins.Skip(2).Take(18), b => Assert.True(b.Representable));
        Assert.Equal(Math.Pow(2, -9), bins[2].Lower);
        Assert.Equal(Math.Pow(2, -8), bins[2].Upper);
        Assert.Equal(256.0, bins[^2].Lower); // e8: 256 .. 448, the max included
        Assert.Equal(Math.BitIncrement(448.0), bins[^2].Upper);
        Assert.Equal(Math.BitIncrement(448.0), bins[^1].Lower);
    }

    [Theory]
    [InlineData("e4m3", -9, 8)]
    [InlineData("e5m2", -16, 15)]
    [InlineData("e2m1", -1, 2)]
    [InlineData("nvfp4", -1, 2)]
    [InlineData("mxfp8-e4m3", -9, 8)]
    [InlineData("hif8", -22, 15)]
    [InlineData("int8", 0, 6)]
    [InlineData("int4-g128", 0, 2)]
    public void Exponents_PerFormat(string name, int min, int max)
    {
        var format = NumberFormats.Get(name);
        Assert.Equal(min, MagnitudeBins.MinExponent(format));
        Assert.Equal(max, MagnitudeBins.MaxExponent(format));
        Assert.Equal(max - min + 4, MagnitudeBins.For(format).Count);
        Assert.Equal(max - min + 3, MagnitudeBins.Thresholds(format).Length); // bins = thresholds + 1
    }

    [Theory]
    [InlineData("e4m3", 17.807354922057604)] // log2(448) + 9
    [InlineData("e5m2", 31.807354922057604)] // log2(57344) + 16
    [InlineData("e2m1", 3.584962500721156)] // log2(6) + 1
    [InlineData("hif8", 37.0)] // 15 + 22
    [InlineData("int8", 6.988684686772166)] // log2(127)
    public void DynamicRangeBinades_LogOfMaxOverSmallestSubnormal(string name, double expected) =>
        Assert.Equal(expected, MagnitudeBins.DynamicRangeBinades(NumberFormats.Get(name)), 12);

    [Fact]
    public void AllMetrics_CoverTheUnionOfTheKnownFormats()
    {
        Assert.Equal(-22, MagnitudeBins.UnionMinExponent);
        Assert.Equal(15, MagnitudeBins.UnionMaxExponent);
        Assert.Equal(2 + 38 + 1, MagnitudeBins.AllMetrics.Count);
        Assert.Equal("magHist.e-22", MagnitudeBins.AllMetrics[2]);
        Assert.Equal("magHist.over", MagnitudeBins.AllMetrics[^1]);
        Assert.All(MagnitudeBins.AllMetrics, m => Assert.True(MetricCatalog.TryGet(m, out _), m));
    }
}
