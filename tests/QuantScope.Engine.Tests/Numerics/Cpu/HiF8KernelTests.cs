using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Tests.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class HiF8KernelTests
{
    // The grid plus the overflow edge (1.25 · 2^15 and the codes above the max), so that its tie is swept too.
    private static List<double> GridWithOverflowEdge() => HiF8Format.Instance.RepresentableValues().Concat([40960.0, 49152.0, 65536.0]).ToList();

    [Fact]
    public void Quantize_WideRangeGridAndTies_EqualsExponentEmulationBitForBit()
    {
        using var scope = NewDisposeScope();
        var all = FloatGridTests.WideRangeWithEdges(GridWithOverflowEdge(), 77);
        var kernel = TensorAssert.Floats(HiF8Kernel.Quantize(all));
        var reference = TensorAssert.Floats(HiF8Format.QuantizeByExponent(all));
        FloatGridTests.AssertBitEqual(all, reference, kernel);
    }

    [Fact]
    public void QuantizeTensorOps_WideRangeGridAndTies_EqualsExponentEmulationBitForBit()
    {
        // The tensor-op route (other devices) stays the kernel's reference: it is checked on its own here.
        using var scope = NewDisposeScope();
        var all = FloatGridTests.WideRangeWithEdges(GridWithOverflowEdge(), 78);
        var ops = TensorAssert.Floats(HiF8Format.QuantizeTensorOps(all));
        var reference = TensorAssert.Floats(HiF8Format.QuantizeByExponent(all));
        FloatGridTests.AssertBitEqual(all, reference, ops);
    }

    [Fact]
    public void Quantize_EveryFloat32PatternStride_EqualsTensorOpsBitForBit()
    {
        // Bit patterns 0, 251, 502, ... over all 2^32 (every exponent, both signs, NaN payloads, subnormals), ~17 M values.
        using var scope = NewDisposeScope();
        var floats = KernelSweep.EveryFloat32PatternStride(251);
        var kernel = HiF8Kernel.Quantize(floats);
        var reference = HiF8Format.QuantizeTensorOps(floats);
        Assert.True(KernelSweep.SameExceptNaNPayload(reference, kernel));
    }

    [Fact]
    public void Quantize_OddLengthsAndSlices_RoundEveryElement()
    {
        using var scope = NewDisposeScope();
        foreach (var length in new[] { 1, 7, 17, 33, 1000 })
        {
            var x = linspace(-50000, 50000, length + 3).narrow(0, 3, length).contiguous();
            var kernel = TensorAssert.Floats(HiF8Kernel.Quantize(x));
            var reference = TensorAssert.Floats(HiF8Format.QuantizeByExponent(x));
            for (var i = 0; i < length; i++) TensorAssert.BitEqual(reference[i], kernel[i], $"length {length}, [{i}]");
        }
    }

    [Fact]
    public void Quantize_HandTable_GivesTheHiF8Values()
    {
        static float P2(int e) => MathF.ScaleB(1f, e);
        // Ties away from zero at every tier: 1.0625 (3 bits, spacing 1/8) -> 1.125; 18 (E = 4, 2 bits, spacing 4) -> 20;
        // 320 (E = 8, 1 bit, spacing 128) -> 384; 1.5·2^-16 (0 bits) carries to 2^-15; 2^-23 -> 2^-22 (the min);
        // just below 2^-23 -> 0; 40959 -> the max 2^15, 40960 -> inf; subnormals -> 0 with their sign.
        float[] input = [1.0625f, -1.0625f, 18f, 320f, 1.5f * P2(-16), P2(-23), 0.99999994f * P2(-23), 40959f, 40960f, -1e30f, 1e-45f, -1e-45f, -0f, float.NaN, float.NegativeInfinity, 1.9375f];
        float[] expected = [1.125f, -1.125f, 20f, 384f, P2(-15), P2(-22), 0f, 32768f, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, -0f, float.NaN, float.NegativeInfinity, 2f];
        using var x = tensor(input);
        using var q = HiF8Kernel.Quantize(x);
        var actual = TensorAssert.Floats(q);
        for (var i = 0; i < input.Length; i++) TensorAssert.BitEqual(expected[i], actual[i], $"{input[i]:R}");
    }
}
