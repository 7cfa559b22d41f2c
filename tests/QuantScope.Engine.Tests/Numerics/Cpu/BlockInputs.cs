using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics.Cpu;

/// <summary>
/// Inputs for the block kernels' bit-for-bit tests: Gaussian blocks whose magnitudes differ by 2^±(range) from block to
/// block, about one block in eight all zero, and specials scattered over the tensor (NaN, ±inf, ±0, float32
/// subnormals, float.MaxValue), so scales hit their limits, zero blocks and non-finite elements occur.
/// </summary>
internal static class BlockInputs
{
    private static readonly float[] Specials =
        [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, 1e-45f, -3e-42f, 1.2e-38f, float.MaxValue, -float.MaxValue];

    /// <summary>A float32 tensor of <paramref name="shape"/>; blocks of <paramref name="blockSize"/> along the flat layout.</summary>
    public static Tensor Make(long[] shape, int blockSize, double range, int seed, bool specials = true)
    {
        using var generator = new Generator((ulong)seed, CPU);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var blocks = count / blockSize;
        using var exponent = rand([blocks, 1], generator: generator).mul_(2 * range).sub_(range);
        using var keep = rand([blocks, 1], generator: generator).gt(0.125).to(ScalarType.Float32);
        var x = randn([blocks, blockSize], generator: generator).mul_(exponent.exp2_()).mul_(keep).reshape(shape).contiguous();
        if (!specials) return x;
        var values = CpuKernel.Floats(x);
        var random = new Random(seed);
        for (var i = 0; i < Math.Max(1, count / 97); i++) values[random.Next((int)count)] = Specials[random.Next(Specials.Length)];
        return x;
    }

    /// <summary>Asserts bit-for-bit equality (any NaN equals any NaN), naming the first mismatches.</summary>
    public static void AssertBitEqual(Tensor input, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        var x = TensorAssert.Floats(input);
        var e = TensorAssert.Floats(expected);
        var a = TensorAssert.Floats(actual);
        var mismatches = Enumerable.Range(0, e.Length)
            .Where(i => BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]) && !(float.IsNaN(e[i]) && float.IsNaN(a[i])))
            .Take(5).Select(i => $"[{i}] x {x[i]:R}: expected {e[i]:R}, got {a[i]:R}").ToArray();
        Assert.True(mismatches.Length == 0, string.Join("; ", mismatches));
    }
}
