namespace QuantScope.Engine.Tests.Numerics;

public class FloatFormatTests
{
    [Fact]
    public void E4M3_DerivedLimits_MatchOcpSpec()
    {
        var f = FloatFormat.E4M3;
        Assert.Equal(-6, f.MinNormalExponent);
        Assert.Equal(8, f.MaxExponent);
        Assert.Equal(0.015625, f.MinNormal);
        Assert.Equal(0.001953125, f.MinSubnormal);
        Assert.False(f.HasInfinities);
    }

    [Fact]
    public void E5M2_DerivedLimits_MatchOcpSpec()
    {
        var f = FloatFormat.E5M2;
        Assert.Equal(-14, f.MinNormalExponent);
        Assert.Equal(15, f.MaxExponent);
        Assert.Equal(Math.Pow(2, -16), f.MinSubnormal);
        Assert.True(f.HasInfinities);
    }

    [Fact]
    public void FromName_UnknownName_Throws()
    {
        Assert.Same(FloatFormat.E4M3, FloatFormat.FromName("E4M3"));
        Assert.Throws<ArgumentException>(() => FloatFormat.FromName("e3m4"));
    }
}
