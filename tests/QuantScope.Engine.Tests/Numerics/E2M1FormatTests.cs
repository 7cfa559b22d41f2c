using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class E2M1FormatTests
{
    // Grid 0, 0.5, 1, 1.5, 2, 3, 4, 6; ties to even mantissa; saturates to ±6.
    public static TheoryData<float, float> Table => new()
    {
        { 0.25f, 0f },      // tie 0 / 0.5 -> 0 (even)
        { 0.26f, 0.5f },
        { 0.75f, 1f },      // tie 0.5 / 1 -> 1 (even)
        { 1.25f, 1f },      // tie 1 / 1.5 -> 1
        { 1.75f, 2f },      // tie 1.5 / 2 -> 2
        { 2.5f, 2f },       // tie 2 / 3 -> 2
        { 3.5f, 4f },       // tie 3 / 4 -> 4
        { 4.9999995f, 4f }, // just below the tie 4 / 6
        { 5f, 4f },         // tie 4 / 6 -> 4
        { 5.0000005f, 6f },
        { 6f, 6f },
        { 7f, 6f },         // saturate
        { float.PositiveInfinity, 6f },
        { -2.5f, -2f },
        { -0f, -0f },
        { float.NaN, float.NaN },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Quantize_E2M1TableValue_MatchesHandComputedGridPoint(float input, float expected)
    {
        using var x = tensor(new[] { input });
        using var q = FloatFormat.E2M1.QuantizeDequantize(x);
        TensorAssert.BitEqual(expected, TensorAssert.Scalar(q), $"E2M1({input:R})");
    }

    [Fact]
    public void RepresentableValues_E2M1_ListsTheEightOcpValues()
    {
        Assert.Equal(new[] { 0, 0.5, 1, 1.5, 2, 3, 4, 6 }, FloatFormat.E2M1.RepresentableValues());
        Assert.Equal(0.5, FloatFormat.E2M1.MinSubnormal);
        Assert.Equal(1.0, FloatFormat.E2M1.MinNormal);
    }
}
