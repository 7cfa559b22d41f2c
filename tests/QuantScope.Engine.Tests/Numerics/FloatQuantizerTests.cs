using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class FloatQuantizerTests
{
    // E4M3 by hand: 3 mantissa bits, so in [2^e, 2^(e+1)) the spacing is 2^(e-3); below 2^-6 the spacing is 2^-9.
    // Ties go to the even mantissa (last mantissa bit 0). Everything beyond ±448 saturates.
    public static TheoryData<float, float> E4M3Table => new()
    {
        { 1f, 1f },
        { 1.125f, 1.125f },             // 1 + 1/8
        { 0.5f, 0.5f },
        { 448f, 448f },                 // 1.75 · 2^8, the max
        { -448f, -448f },
        { 240f, 240f },                 // 1.875 · 2^7
        { 1.0625f, 1f },                // tie between 1.000 and 1.001 -> even 1.000
        { 1.1875f, 1.25f },             // tie between 1.001 and 1.010 -> even 1.010
        { 17f, 16f },                   // [16, 32) spacing 2: tie 16/18 -> 16 (1.000)
        { 19f, 20f },                   // tie 18/20 -> 20 (1.010)
        { -17f, -16f },
        { -1.1875f, -1.25f },
        { 1.0625001f, 1.125f },         // just above a tie: up
        { 1.0624999f, 1f },             // just below a tie: down
        { 432f, 448f },                 // [256, 512) spacing 32: tie 416 (1.101) / 448 (1.110) -> 448
        { 430f, 416f },
        { 500f, 448f },                 // saturate
        { 1e6f, 448f },
        { -1000f, -448f },
        { 464f, 448f },                 // halfway to 480 (not a value in E4M3 "fn"): still saturates to 448
        { 463.9f, 448f },
        { 0.001953125f, 0.001953125f }, // 2^-9, the min subnormal
        { 0.0009765625f, 0f },          // 2^-10: tie between 0 and 2^-9 -> 0
        { 0.00146484375f, 0.001953125f }, // 3 · 2^-11 = 0.75 · 2^-9 -> 2^-9
        { 0.005859375f, 0.005859375f }, // 3 · 2^-9, a subnormal grid point
        { 0.0048828125f, 0.00390625f }, // 2.5 · 2^-9: tie between 2 and 3 units -> 2 · 2^-9
        { 0.013671875f, 0.013671875f }, // 7 · 2^-9, the max subnormal
        { 0.015625f, 0.015625f },       // 2^-6, the min normal
        { 0.0166015625f, 0.015625f },   // 2^-6 + 2^-10: tie inside the first normal binade (spacing 2^-9) -> even
        { 0f, 0f },
        { float.PositiveInfinity, 448f }, // saturating: no infinities in E4M3
        { float.NegativeInfinity, -448f },
    };

    [Theory]
    [MemberData(nameof(E4M3Table))]
    public void Quantize_E4M3TableValue_MatchesHandComputedGridPoint(float input, float expected)
    {
        using var x = tensor(new[] { input });
        using var q = FloatQuantizer.Quantize(x, FloatFormat.E4M3);
        TensorAssert.BitEqual(expected, TensorAssert.Scalar(q), $"Quantize({input:R})");
    }

    [Theory]
    [MemberData(nameof(E4M3Table))]
    public void QuantizeNative_E4M3TableValue_MatchesHandComputedGridPoint(float input, float expected)
    {
        using var x = tensor(new[] { input });
        using var q = FloatQuantizer.QuantizeNative(x, FloatFormat.E4M3);
        TensorAssert.BitEqual(expected, TensorAssert.Scalar(q), $"QuantizeNative({input:R})");
    }

    [Fact]
    public void Quantize_NegativeZeroAndTinyNegatives_KeepTheSign()
    {
        using var x = tensor(new[] { -0f, -0.0009765625f, float.NaN });
        foreach (var q in new[] { FloatQuantizer.Quantize(x, FloatFormat.E4M3), FloatQuantizer.QuantizeNative(x, FloatFormat.E4M3) })
        {
            var values = TensorAssert.Floats(q);
            TensorAssert.BitEqual(-0f, values[0], "-0");
            TensorAssert.BitEqual(-0f, values[1], "-2^-10 rounds to -0");
            Assert.True(float.IsNaN(values[2]), "NaN stays NaN");
            q.Dispose();
        }
    }

    [Fact]
    public void Quantize_E5M2Values_MatchHandComputedGridPoints()
    {
        // E5M2: 2 mantissa bits (spacing 2^(e-2)), max 57344 = 1.75 · 2^15, min subnormal 2^-16.
        float[] input = [1.125f, 1.375f, 1.625f, 60000f, 0.0000152587890625f, 0.00000762939453125f, 5f, 9f];
        float[] expected = [1f, 1.5f, 1.5f, 57344f, 0.0000152587890625f, 0f, 5f, 8f]; // 9: [8, 16) spacing 2, tie 8 (00) / 10 (01) -> 8
        using var x = tensor(input);
        using var emulated = FloatQuantizer.Quantize(x, FloatFormat.E5M2);
        using var native = FloatQuantizer.QuantizeNative(x, FloatFormat.E5M2);
        var e = TensorAssert.Floats(emulated);
        var n = TensorAssert.Floats(native);
        for (var i = 0; i < input.Length; i++)
        {
            TensorAssert.BitEqual(expected[i], e[i], $"emulated {input[i]:R}");
            TensorAssert.BitEqual(expected[i], n[i], $"native {input[i]:R}");
        }
    }

    public static TheoryData<string> Formats => new() { "e4m3", "e5m2" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Quantize_MillionWideRangeValues_EqualsNativeCastBitForBit(string name)
    {
        var format = FloatFormat.FromName(name);
        using var scope = NewDisposeScope();
        using var generator = new Generator(1234, CPU);
        // Magnitudes 2^-24 .. 2^20: covers underflow to zero, subnormals, every normal binade and saturation.
        var exponent = rand(1 << 20, generator: generator).mul_(44).sub_(24);
        var random = randn(1 << 20, generator: generator).mul_(exponent.exp2());
        var grid = tensor(FloatQuantizer.RepresentableValues(format).Select(v => (float)v).ToArray());
        var midpoints = grid.narrow(0, 0, grid.shape[0] - 1).add(grid.narrow(0, 1, grid.shape[0] - 1)).div_(2); // exact ties
        var above = midpoints.nextafter(full_like(midpoints, float.PositiveInfinity));
        var below = midpoints.nextafter(zeros_like(midpoints));
        var edges = cat([grid, midpoints, above, below]);
        var all = cat([random, edges, edges.neg()]);

        var emulated = TensorAssert.Floats(FloatQuantizer.Quantize(all, format));
        var native = TensorAssert.Floats(FloatQuantizer.QuantizeNative(all, format));
        var inputs = TensorAssert.Floats(all);
        var mismatches = Enumerable.Range(0, inputs.Length)
            .Where(i => BitConverter.SingleToInt32Bits(emulated[i]) != BitConverter.SingleToInt32Bits(native[i]))
            .Take(5).Select(i => $"{inputs[i]:R}: {emulated[i]:R} vs {native[i]:R}").ToArray();
        Assert.True(mismatches.Length == 0, string.Join("; ", mismatches));
        Assert.True(inputs.Length > 1_000_000);
    }

    [Fact]
    public void RepresentableValues_E4M3_Lists127AscendingValuesFromZeroTo448()
    {
        var values = FloatQuantizer.RepresentableValues(FloatFormat.E4M3);
        Assert.Equal(127, values.Count); // bit patterns 0x00..0x7E (0x7F is NaN)
        Assert.Equal(0.0, values[0]);
        Assert.Equal(0.001953125, values[1]); // 2^-9
        Assert.Equal(0.013671875, values[7]); // 7 · 2^-9, last subnormal
        Assert.Equal(0.015625, values[8]); // 2^-6
        Assert.Equal(416.0, values[^2]);
        Assert.Equal(448.0, values[^1]);
        Assert.True(values.Zip(values.Skip(1)).All(p => p.First < p.Second));
    }

    [Fact]
    public void RepresentableValues_E5M2_Lists124ValuesUpTo57344()
    {
        var values = FloatQuantizer.RepresentableValues(FloatFormat.E5M2);
        Assert.Equal(124, values.Count); // 0x00..0x7B (0x7C is +inf)
        Assert.Equal(Math.Pow(2, -16), values[1]);
        Assert.Equal(57344.0, values[^1]);
    }

    [Fact]
    public void Quantize_RepresentableValues_AreFixedPoints()
    {
        var grid = FloatQuantizer.RepresentableValues(FloatFormat.E4M3).Select(v => (float)v).ToArray();
        using var x = tensor(grid);
        using var q = FloatQuantizer.Quantize(x, FloatFormat.E4M3);
        Assert.Equal(grid, TensorAssert.Floats(q));
    }
}
