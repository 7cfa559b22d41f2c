using QuantScope.Engine.Numerics.Cpu;
using QuantScope.Engine.Quantization.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization.Cpu;

/// <summary>
/// The watched gradient's one-pass CPU kernel against the tensor-op route it replaces on the CPU: the what-if
/// fractions, the amax, the smallest nonzero |g| and the shadow state after each step, equal bit for bit (all exact).
/// </summary>
public sealed class GradWatchKernelTests
{
    public static TheoryData<int> Lengths => new() { 1, 7, 4001, 1 << 21, (1 << 22) + 9 }; // tails shorter than a vector; 2^22 + 9: several parts

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ObserveOnCpu_ThreeSteps_EqualsTheTensorRoute(int length)
    {
        using var reference = new GradWhatIfStats(new DelayedScalingRecipe(), CPU);
        using var kernel = new GradWhatIfStats(new DelayedScalingRecipe(), CPU);
        for (var step = 0; step < 3; step++) // step 0 is scaled by its own amax, then by the history
        {
            using var scope = NewDisposeScope();
            var g = Gradient(length, step);
            var amax = ScaleMath.Amax(g);
            var magnitude = g.abs();
            var fractions = reference.Observe(magnitude, amax)!.data<double>().ToArray();
            var smallest = RangeStats.SmallestNonzeroMagnitude(magnitude).data<double>().Single();

            var (counts, kernelAmax) = kernel.ObserveOnCpu(g);
            using (kernelAmax)
            {
                Assert.Equal(fractions, counts.Fractions(g.numel()));
                Assert.Equal(smallest, (double)counts.SmallestNonzero);
                Assert.Equal(amax.item<float>(), kernelAmax.item<float>());
                Assert.Equal(amax.item<float>(), counts.Amax);
            }

            Assert.Equal(reference.States[0].Scale.item<float>(), kernel.States[0].Scale.item<float>());
            Assert.Equal(reference.States[0].AmaxHistory.data<float>().ToArray(), kernel.States[0].AmaxHistory.data<float>().ToArray());
        }
    }

    [Fact]
    public void Measure_NaNInTheVectorsOrTheTail_CountsAsAboveEveryLimit()
    {
        foreach (var at in new[] { 0, 9, 16 }) // in a vector, in another, in the tail (17 values)
        {
            var values = Enumerable.Range(1, 17).Select(i => (float)i).ToArray();
            values[at] = float.NaN;
            var result = GradWatchKernel.Measure(values, 1f);
            Assert.True(float.IsNaN(result.Amax));
            Assert.True(float.IsNaN(result.SmallestNonzero));
            Assert.Equal(17, result.Nonzero);
            Assert.Equal(17, result.AboveE4M3Flush);
            Assert.Equal(1, result.Overflow);
        }
    }

    [Fact]
    public void Measure_ValuesOnTheLimits_AreNotAbove()
    {
        // v exactly at each limit is not above it; the next float32 is; ±0 and ±inf; scale 1 and 2^-4 (exact products).
        float[] values = [0f, -0f, .. GradWatchKernel.Limits, .. GradWatchKernel.Limits.Select(MathF.BitIncrement), float.NegativeInfinity, -float.Epsilon];
        var result = GradWatchKernel.Measure(values, 1f);
        Assert.Equal(float.PositiveInfinity, result.Amax);
        Assert.Equal(float.Epsilon, result.SmallestNonzero);
        Assert.Equal(values.Length - 2, result.Nonzero);
        Assert.Equal(values.Length - 4, result.AboveE5M2Flush); // not 0, -0, ε, 2^-17
        Assert.Equal(values.Length - 6, result.AboveE4M3Flush); // nor 2^-17⁺, 2^-3
        Assert.Equal(2, result.Overflow); // 57344⁺ and -inf

        var scaled = values.Select(v => v * 16f).ToArray(); // |g|·2^-4 = the original values
        var byScale = GradWatchKernel.Measure(scaled, 0.0625f);
        Assert.Equal(result with { Amax = float.PositiveInfinity, SmallestNonzero = 16 * float.Epsilon }, byScale);
    }

    [Fact]
    public void Measure_AllZero_HasNoNonzeroAndAnInfiniteSmallest()
    {
        var result = GradWatchKernel.Measure(new float[33], 3f);
        Assert.Equal(new GradWatchKernel.Result(0f, float.PositiveInfinity, 0, 0, 0, 0), result);
    }

    // Log-uniform magnitudes of both signs from 2^-150 to 2^20 with zeros, subnormals and step 1's ±inf; step 2 also a NaN.
    private static Tensor Gradient(int length, int step)
    {
        var random = new Random(31 + step);
        var values = new float[length];
        for (var i = 0; i < length; i++)
            values[i] = random.Next(5) == 0 ? 0f : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 170 - 150));
        if (step == 1) values[length / 2] = length > 1 ? float.NegativeInfinity : values[0];
        if (step == 2 && length > 7) values[length - 3] = float.NaN;
        var g = empty([length]);
        values.CopyTo(CpuKernel.Floats(g));
        return g;
    }
}
