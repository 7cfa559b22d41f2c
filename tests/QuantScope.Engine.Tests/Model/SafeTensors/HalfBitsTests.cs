using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Engine.Tests.Model.SafeTensors;

public class HalfBitsTests
{
    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(-2.0f, (ushort)0xC000)]
    [InlineData(0f, (ushort)0x0000)]
    [InlineData(float.PositiveInfinity, (ushort)0x7F80)]
    [InlineData(1.00390625f, (ushort)0x3F80)] // halfway between 0x3F80 and 0x3F81: ties to even (down)
    [InlineData(1.01171875f, (ushort)0x3F82)] // halfway between 0x3F81 and 0x3F82: ties to even (up)
    public void SingleToBf16_Values_RoundToNearestEven(float value, ushort expected) => Assert.Equal(expected, HalfBits.SingleToBf16(value));

    [Fact]
    public void SingleToBf16_NaN_StaysNaN() => Assert.True(float.IsNaN(HalfBits.Bf16ToSingle(HalfBits.SingleToBf16(float.NaN))));

    [Theory]
    [InlineData((ushort)0x3C00, 1.0f)]
    [InlineData((ushort)0xC000, -2.0f)]
    [InlineData((ushort)0x7BFF, 65504f)]
    [InlineData((ushort)0x0001, 5.9604645e-8f)]
    public void F16ToSingle_Bits_DecodeExactly(ushort bits, float expected) => Assert.Equal(expected, HalfBits.F16ToSingle(bits));
}
