using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization.Cpu;

/// <summary>
/// <see cref="RangeStats.SmallestNonzero"/>'s CPU kernel against the tensor-op route (abs, threshold_, min), exact: on
/// tails shorter than a vector, several parts, and NaN in a vector, in the tail or in the second part.
/// </summary>
public sealed class SmallestNonzeroKernelTests
{
    [Theory]
    [InlineData(1, -1)]
    [InlineData(19, -1)]
    [InlineData(19, 18)] // NaN in the tail
    [InlineData(19, 3)] // NaN in a vector
    [InlineData((1 << 22) + 3, -1)] // several parts (CpuKernel.StatsMinPerThread)
    [InlineData((1 << 22) + 3, (1 << 22) - 2)] // NaN in the last part
    public void SmallestNonzero_Kernel_EqualsTheTensorRoute(int length, int nanAt)
    {
        var random = new Random(length);
        var values = new float[length];
        for (var i = 0; i < length; i++)
            values[i] = random.Next(4) == 0 ? 0f : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 150 - 149));
        if (nanAt >= 0) values[nanAt] = float.NaN;
        using var x = empty([length]);
        values.CopyTo(CpuKernel.Floats(x));
        Assert.True(CpuKernel.Applies(x));

        using var kernel = RangeStats.SmallestNonzero(x);
        using var magnitude = x.abs();
        using var reference = RangeStats.SmallestNonzeroMagnitude(magnitude);
        Assert.Equal(reference.data<double>().ToArray(), kernel.data<double>().ToArray());
        Assert.Equal([1L], kernel.shape);
    }

    [Fact]
    public void SmallestNonzero_ParameterThatRequiresGrad_TakesTheKernel()
    {
        using var weight = new TorchSharp.Modules.Parameter(tensor(new[] { 0f, -0.5f, 3f, 0f, 1e-40f }), requires_grad: true);
        using var smallest = RangeStats.SmallestNonzero(weight);
        Assert.Equal(1e-40f, (float)smallest.data<double>().Single());
    }
}
