using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class HiF8FormatTests
{
    private static float P2(int e) => MathF.ScaleB(1f, e);

    // By hand: E = floor(log2|x|); spacing 2^(E - bits) with bits 3 (|E|<=3), 2 (<=7), 1 (<=15), 0 (E in -22..-16).
    // Ties round AWAY from zero.
    public static TheoryData<float, float> Table => new()
    {
        { 1f, 1f },
        { 1.125f, 1.125f },               // 1 + 1/8, grid point
        { 1.0625f, 1.125f },              // tie 1 / 1.125 -> away
        { 1.0624999f, 1f },               // just below the tie
        { 1.9375f, 2f },                  // tie 1.875 / 2: carry into the next binade
        { 17.9f, 16f },                   // E=4: 2 bits, spacing 4
        { 18f, 20f },                     // tie 16 / 20 -> away
        { 320f, 384f },                   // E=8: 1 bit, spacing 128, tie 256 / 384 -> away
        { 32768f, 32768f },               // max 2^15
        { 40959f, 32768f },               // just below 1.25 · 2^15
        { 40960f, float.PositiveInfinity }, // 1.25 · 2^15 -> inf
        { -40960f, float.NegativeInfinity },
        { float.PositiveInfinity, float.PositiveInfinity },
        { float.NegativeInfinity, float.NegativeInfinity },
        { 1.25f * P2(-15), 1.5f * P2(-15) }, // E=-15: 1 bit, tie -> away
        { P2(-16), P2(-16) },             // 0-bit tier
        { 1.4f * P2(-16), P2(-16) },
        { 1.5f * P2(-16), P2(-15) },      // tie at spacing 2^-16 -> away, carries to 2^-15
        { P2(-22), P2(-22) },             // min value
        { P2(-23), P2(-22) },             // [2^-23, 2^-22) takes E=-22: tie 0 / 2^-22 -> away
        { 1.5f * P2(-23), P2(-22) },
        { 0.99999994f * P2(-23), 0f },    // just below 2^-23 -> 0
        { 0f, 0f },
        { -0f, -0f },
        { -1.0625f, -1.125f },
        { -0.99999994f * P2(-23), -0f },
        { float.NaN, float.NaN },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Quantize_TableValue_MatchesHandComputedGridPoint(float input, float expected)
    {
        using var x = tensor(new[] { input });
        using var q = HiF8Format.Quantize(x);
        TensorAssert.BitEqual(expected, TensorAssert.Scalar(q), $"HiF8({input:R})");
    }

    [Fact]
    public void RepresentableValues_Lists127AscendingFixedPoints()
    {
        var values = HiF8Format.Instance.RepresentableValues();
        Assert.Equal(127, values.Count); // 0 + 7 + 16 + 16 + 56 + 16 + 15 (1.5 · 2^15 is over the max)
        Assert.Equal(Math.Pow(2, -22), values[1]);
        Assert.Equal(32768.0, values[^1]);
        Assert.Equal(24576.0, values[^2]); // 1.5 · 2^14
        Assert.True(values.Zip(values.Skip(1)).All(p => p.First < p.Second));
        var grid = values.Select(v => (float)v).ToArray();
        using var x = tensor(grid);
        using var q = HiF8Format.Quantize(x);
        Assert.Equal(grid, TensorAssert.Floats(q));
    }

    [Fact]
    public void MantissaTier_MixedValues_ReportsBitsOfEncodedValue()
    {
        using var x = tensor(new[] { 1.5f, 20f, 300f, P2(-20), 0f, float.PositiveInfinity, float.NaN, 1.9375f, 15.9f });
        using var tier = HiF8Format.MantissaTier(x);
        // 15.9 rounds to 16 (E=4, 2 bits); 1.9375 carries to 2 (E=1, 3 bits).
        Assert.Equal(new[] { 3, 2, 1, 0, -1, -1, -1, 3, 2 }, tier.data<int>().ToArray());
    }

    [Fact]
    public void Quantize_Float32WideRangeGridAndTies_EqualsExponentEmulationBitForBit()
    {
        using var scope = NewDisposeScope();
        // The grid plus the overflow edge (1.25 · 2^15 and the codes above the max), so its tie is tested too.
        var grid = HiF8Format.Instance.RepresentableValues().Concat([40960.0, 49152.0, 65536.0]).ToList();
        var all = FloatGridTests.WideRangeWithEdges(grid, 99);
        var fast = TensorAssert.Floats(HiF8Format.Quantize(all));
        var reference = TensorAssert.Floats(HiF8Format.QuantizeByExponent(all));
        FloatGridTests.AssertBitEqual(all, reference, fast);
    }
}
