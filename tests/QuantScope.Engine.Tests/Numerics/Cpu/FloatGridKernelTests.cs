using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Tests.Numerics;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

public class FloatGridKernelTests
{
    public static TheoryData<string> Formats => new() { "e4m3", "e5m2", "e2m1" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundNearestEven_WideRangeGridAndTies_EqualsTensorOpsBitForBit(string name)
    {
        var format = FloatFormat.FromName(name);
        using var scope = NewDisposeScope();
        var all = FloatGridTests.WideRangeWithEdges(format.RepresentableValues(), 99);
        var kernel = TensorAssert.Floats(FloatGridKernel.RoundNearestEven(all, format.MantissaBits, format.MinNormalExponent, format.MaxValue));
        var reference = TensorAssert.Floats(FloatQuantizer.QuantizeByExponent(all, format));
        FloatGridTests.AssertBitEqual(all, reference, kernel);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void RoundNearestEven_EveryFloat32PatternStride_EqualsTensorOpsBitForBit(string name)
    {
        // Bit patterns 0, 251, 502, ... over all 2^32 (a prime stride: every exponent, both signs, NaN payloads,
        // subnormals), about 17 M values; the tensor-op route is the reference.
        var format = FloatFormat.FromName(name);
        using var scope = NewDisposeScope();
        var floats = KernelSweep.EveryFloat32PatternStride(251);
        var kernel = FloatGridKernel.RoundNearestEven(floats, format.MantissaBits, format.MinNormalExponent, format.MaxValue);
        var reference = FloatGrid.RoundNearestEven(floats, format.MantissaBits, format.MinNormalExponent, format.MaxValue);
        Assert.True(KernelSweep.SameExceptNaNPayload(reference, kernel));
    }

    [Fact]
    public void RoundNearestEven_OddLengthsAndSlices_RoundEveryElement()
    {
        // Lengths that leave a tail shorter than one vector, and a slice that starts inside a tensor.
        using var scope = NewDisposeScope();
        foreach (var length in new[] { 1, 7, 17, 33, 1000 })
        {
            var x = linspace(-500, 500, length + 3).narrow(0, 3, length).contiguous();
            var kernel = TensorAssert.Floats(FloatGridKernel.RoundNearestEven(x, 3, -6, 448));
            var reference = TensorAssert.Floats(FloatQuantizer.QuantizeByExponent(x, FloatFormat.E4M3));
            for (var i = 0; i < length; i++) TensorAssert.BitEqual(reference[i], kernel[i], $"length {length}, [{i}]");
        }
    }

    [Fact]
    public void RoundNearestEven_HandTable_GivesTheE4M3Values()
    {
        float[] input = [0f, -0f, 1e-45f, 0.0009765625f, 0.0029296875f, 0.001953125f * 1.5f, 1.0625f, 1.1875f, 447f, 464f, 500f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -17f];
        // 2^-9 is the smallest subnormal: 2^-10 is a tie to 0 (even), 1.5·2^-9 a tie to 2^-8, 3·2^-10 a tie to 2^-8;
        // 1.0625 is a tie between 1 and 1.125 (to 1, even), 1.1875 between 1.125 and 1.25 (to 1.25); 464 ties to 448
        // (the max, saturating); -17 between -16 and -18 ties to -16 (even).
        float[] expected = [0f, -0f, 0f, 0f, 0.00390625f, 0.00390625f, 1f, 1.25f, 448f, 448f, 448f, 448f, -448f, float.NaN, -16f];
        using var x = tensor(input);
        using var q = FloatGridKernel.RoundNearestEven(x, 3, -6, 448);
        var actual = TensorAssert.Floats(q);
        for (var i = 0; i < input.Length; i++) TensorAssert.BitEqual(expected[i], actual[i], $"{input[i]:R}");
    }
}
