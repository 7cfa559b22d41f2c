namespace QuantScope.Engine.Tests.Numerics;

public class NumberFormatsTests
{
    [Theory]
    [InlineData("e4m3", 448.0)]
    [InlineData("E5M2", 57344.0)]
    [InlineData("hif8", 32768.0)]
    [InlineData("int8", 127.0)]
    [InlineData("int4", 7.0)]
    [InlineData("int2-g128", 1.0)]
    [InlineData("mxfp8-e4m3", 448.0)]
    [InlineData("mxfp8-e5m2", 57344.0)]
    [InlineData("mxfp4", 6.0)]
    [InlineData("nvfp4", 6.0)]
    public void TryGet_KnownName_ReturnsFormatWithMax(string name, double max)
    {
        Assert.True(NumberFormats.TryGet(name, out var f));
        Assert.Equal(max, f.MaxValue);
    }

    [Theory]
    [InlineData("int9")]
    [InlineData("int1")]
    [InlineData("int4-g8")]
    [InlineData("fp16")]
    public void TryGet_UnknownName_ReturnsFalse(string name) => Assert.False(NumberFormats.TryGet(name, out _));
}
