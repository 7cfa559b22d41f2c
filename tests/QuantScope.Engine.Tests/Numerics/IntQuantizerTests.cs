using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class IntQuantizerTests
{
    private static void AssertBits(float[] expected, Tensor actual, string context)
    {
        var a = TensorAssert.Floats(actual);
        Assert.Equal(expected.Length, a.Length);
        for (var i = 0; i < a.Length; i++) TensorAssert.BitEqual(expected[i], a[i], $"{context}[{i}]");
    }

    [Fact]
    public void QuantizeDequantize_Int4PerTensorScaleOne_RoundsHalfToEven()
    {
        // absmax 7, qmax 7 -> scale 1: plain round half to even.
        using var x = tensor(new[] { 7f, 3.5f, 2.5f, -2.5f, 1.4999999f, 0.5f, -7f, 6.9f, 1.5000001f });
        using var q = IntQuantizer.QuantizeDequantize(x, new IntFormat(4), IntGranularity.PerTensor);
        AssertBits([7f, 4f, 2f, -2f, 1f, 0f, -7f, 7f, 2f], q, "int4");
    }

    [Fact]
    public void QuantizeDequantize_Int8PerTensorScaleOne_MatchesHand()
    {
        using var x = tensor(new[] { 127f, 0.5f, 1.5f, -126.5f, -0.4f });
        using var q = IntQuantizer.QuantizeDequantize(x, new IntFormat(8), IntGranularity.PerTensor);
        AssertBits([127f, 0f, 2f, -126f, -0f], q, "int8");
    }

    [Fact]
    public void QuantizeDequantize_Int2PerChannel_ScalesEachRowAndZeroRowStaysZero()
    {
        // Row 0: absmax 2, qmax 1 -> scale 2; 1/2 = 0.5 ties to 0, 0.9/2 -> 0, -1.1/2 = -0.55 -> -1.
        using var x = tensor(new[] { 2f, 1f, 0.9f, -1.1f, 0f, 0f, 0f, 0f }).reshape(2, 4);
        using var q = IntQuantizer.QuantizeDequantize(x, new IntFormat(2), IntGranularity.PerChannel);
        AssertBits([2f, 0f, 0f, -2f, 0f, 0f, 0f, 0f], q, "int2");
    }

    [Fact]
    public void QuantizeDequantize_PerGroupWithNaNAndInf_NaNStaysLocalInfSaturates()
    {
        var data = new float[32];
        data[0] = 7f; data[1] = 2.5f;                                  // group 0: scale 1
        data[16] = float.NaN; data[17] = float.PositiveInfinity; data[18] = 2.5f; data[19] = -14f; // group 1: finite absmax 14 -> scale 2
        using var x = tensor(data);
        using var q = IntQuantizer.QuantizeDequantize(x, new IntFormat(4), IntGranularity.PerGroup, 16);
        var r = TensorAssert.Floats(q);
        Assert.Equal(7f, r[0]);
        Assert.Equal(2f, r[1]);
        Assert.True(float.IsNaN(r[16]));
        Assert.Equal(14f, r[17]);   // inf -> qmax · scale
        Assert.Equal(2f, r[18]);    // 1.25 -> 1 -> 2
        Assert.Equal(-14f, r[19]);
        Assert.Equal(0, r.Count(float.IsNaN) - 1);
    }

    [Theory]
    [InlineData(24)]
    [InlineData(8)]
    public void QuantizeDequantize_BadGroupSize_ThrowsNamingGroupSize(int groupSize)
    {
        using var x = zeros(2, 32);
        var ex = Assert.Throws<ArgumentException>(() => IntQuantizer.QuantizeDequantize(x, new IntFormat(4), IntGranularity.PerGroup, groupSize));
        Assert.Equal("groupSize", ex.ParamName);
    }

    [Fact]
    public void IntFormat_OutOfRangeBits_Throws_AndGridIsLevels()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntFormat(9));
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 6, 7 }, new IntFormat(4).RepresentableValues());
        Assert.Equal("int4-g128", IntFormat.PerGroup(4, 128).Name);
    }

    [Fact]
    public void QuantizeDequantize_PerGroup_EqualsPerChannelOfEachGroupReshaped()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        var x = randn(8, 256, generator: generator).mul_(rand(8, 256, generator: generator).mul_(20).sub_(10).exp2_());
        x[2, 3] = tensor(float.NaN);
        x[5, 130] = tensor(float.NegativeInfinity);
        var grouped = IntFormat.PerGroup(4, 64).QuantizeDequantize(x);
        var perRow = new IntFormat(4).QuantizeDequantize(x.reshape(32, 64)).reshape(8, 256); // one row per group
        FloatGridTests.AssertSameBits(perRow, grouped);
    }
}
