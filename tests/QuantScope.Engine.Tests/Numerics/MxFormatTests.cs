using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

public class MxFormatTests
{
    [Fact]
    public void QuantizeDequantize_Mxfp4Blocks_MatchHandComputedValues()
    {
        var d = new float[128];
        // Block 0: absmax 6 -> X = 2^(2 - 2) = 1; plain E2M1 ties to even.
        d[0] = 6f; d[1] = 5f; d[2] = 2.5f; d[3] = 0.25f; d[4] = -3.5f;
        // Block 1: absmax 20 -> X = 2^(4 - 2) = 4; 20/4 = 5 -> 4 -> 16; 10/4 = 2.5 -> 2 -> 8; 1/4 -> 0.
        d[32] = 20f; d[33] = 10f; d[34] = 1f;
        // Block 2: all zero. Block 3: NaN stays local; absmax 3 -> X = 2^(1 - 2) = 0.5; 3/0.5 = 6 -> 3; inf saturates to 6·0.5.
        d[96] = float.NaN; d[97] = 3f; d[98] = float.NegativeInfinity; d[99] = 0.3f; // 0.3/0.5 = 0.6 -> 0.5 -> 0.25
        using var x = tensor(d).reshape(2, 64);
        using var q = MxFormat.Mxfp4.QuantizeDequantize(x);
        var r = TensorAssert.Floats(q);
        var expected = new float[128];
        expected[0] = 6f; expected[1] = 4f; expected[2] = 2f; expected[3] = 0f; expected[4] = -4f;
        expected[32] = 16f; expected[33] = 8f; expected[34] = 0f;
        expected[96] = float.NaN; expected[97] = 3f; expected[98] = -3f; expected[99] = 0.25f;
        for (var i = 0; i < 128; i++) TensorAssert.BitEqual(expected[i], r[i], $"mxfp4[{i}]");
    }

    [Fact]
    public void QuantizeDequantize_Mxfp8TinyBlocks_ClampScaleAt2PowMinus127()
    {
        var d = new float[64];
        d[0] = MathF.ScaleB(1f, -130);  // absmax: exponent -130 - 8 = -138 -> clamped to -127; 2^-130 / 2^-127 = 2^-3 exact
        d[1] = MathF.ScaleB(1f, -140);  // 2^-13 in element units: below E4M3 min subnormal 2^-9 -> 0
        d[32] = 448f; d[33] = 17f;      // absmax 448 -> X = 2^(8 - 8) = 1: E4M3 tie 16/18 -> 16
        using var x = tensor(d);
        using var q = MxFormat.Mxfp8E4M3.QuantizeDequantize(x);
        var r = TensorAssert.Floats(q);
        TensorAssert.BitEqual(MathF.ScaleB(1f, -130), r[0], "2^-130");
        TensorAssert.BitEqual(0f, r[1], "2^-140");
        TensorAssert.BitEqual(448f, r[32], "448");
        TensorAssert.BitEqual(16f, r[33], "17");
    }

    [Fact]
    public void QuantizeDequantize_Mxfp8E5M2_UsesEmax15()
    {
        var d = new float[32];
        d[0] = 1f; d[1] = 0.75f; d[2] = 0.5625f; // absmax 1 -> X = 2^(0 - 15); 0.5625 = 1.001b · 2^-1: E5M2 tie 1.00b / 1.01b -> even 0.5
        using var q = MxFormat.Mxfp8E5M2.QuantizeDequantize(tensor(d));
        var r = TensorAssert.Floats(q);
        Assert.Equal(new[] { 1f, 0.75f, 0.5f }, r.Take(3));
    }

    [Fact]
    public void QuantizeDequantize_LastDimNotMultipleOf32_Throws()
    {
        using var x = zeros(3, 48);
        Assert.Throws<ArgumentException>(() => MxFormat.Mxfp4.QuantizeDequantize(x));
    }

    public static TheoryData<string> MxNames => new() { "mxfp8-e4m3", "mxfp8-e5m2", "mxfp4" };

    [Theory]
    [MemberData(nameof(MxNames))]
    public void QuantizeDequantize_Float32_EqualsTheFloat64PathBitForBit(string name)
    {
        var format = (MxFormat)NumberFormats.Get(name);
        using var scope = NewDisposeScope();
        // Blocks of 32 mixing magnitudes 2^-150 .. 2^130, grid points, ties, ±0, ±inf and NaN, some blocks all tiny.
        var all = FloatGridTests.WideRangeWithEdges(format.RepresentableValues(), 7);
        var rows = all.narrow(0, 0, all.shape[0] / 1024 * 1024).reshape(-1, 1024);
        rows.narrow(0, 0, 4).mul_(1e-38f);
        var fast = TensorAssert.Floats(format.QuantizeDequantize(rows));
        var reference = TensorAssert.Floats(format.QuantizeDequantize(rows.to(ScalarType.Float64)));
        FloatGridTests.AssertBitEqual(rows, reference, fast);
    }
}
