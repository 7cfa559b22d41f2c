using TorchSharp;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Numerics;

/// <summary>Stochastic rounding: exact for a given u, unbiased, deterministic for a seed.</summary>
public sealed class StochasticRoundingTests
{
    [Theory]
    [InlineData(2.3f, 0.29f, 3f)] // E2M1 steps by 1 in [2, 4): lo 2, hi 3, frac 0.3: u below 0.3 rounds up
    [InlineData(2.3f, 0.31f, 2f)]
    [InlineData(-2.3f, 0.29f, -3f)] // the magnitude is rounded, the sign kept
    [InlineData(0.75f, 0.49f, 1f)] // subnormal spacing 0.5: frac 0.5
    [InlineData(0.75f, 0.5f, 0.5f)]
    [InlineData(4f, 0.99f, 4f)] // on the grid: frac 0, never moves
    [InlineData(6f, 0f, 6f)] // the max stays
    [InlineData(0f, 0f, 0f)]
    public void OntoFloatGrid_E2M1_UpWithProbabilityFrac(float v, float u, float expected)
    {
        using var values = tensor(new[] { v });
        using var uniform = tensor(new[] { u });
        Assert.Equal(expected, TensorAssert.Scalar(StochasticRounding.OntoFloatGrid(values, FloatFormat.E2M1, uniform)));
    }

    [Fact]
    public void OntoFloatGrid_E4M3_ExpectationIsTheInput()
    {
        // 2^18 draws of 0.3 (E4M3 spacing 2^-5 around it: lo 0.28125, hi 0.3125): the sample mean's std is at most
        // (d/2)/sqrt(N) = 0.015625 / 512 = 3.1e-5; the bound is 6 of those.
        const int n = 1 << 18;
        using var generator = new Generator(7, CPU);
        using var v = full(n, 0.3f);
        using var u = rand(new long[] { n }, generator: generator);
        using var q = StochasticRounding.OntoFloatGrid(v, FloatFormat.E4M3, u);
        var values = TensorAssert.Floats(q);
        Assert.All(values, x => Assert.True(x is 0.28125f or 0.3125f, $"{x} is not a neighbour"));
        Assert.InRange(values.Average(x => (double)x), 0.3 - 6 * 3.1e-5, 0.3 + 6 * 3.1e-5);
    }

    [Fact]
    public void QuantizeBlocks_Nvfp4_UnbiasedPerElement_DeterministicForASeed()
    {
        using var source = new Generator(3, CPU);
        using var x = randn(new long[] { 4, 32 }, generator: source);
        const int draws = 4000;
        using var generator = new Generator(11, CPU);
        using var sum = zeros(4, 32);
        using var one = 1.ToScalar(); // held: TorchSharp's add_(t) passes a temporary alpha the GC may free mid-call
        for (var i = 0; i < draws; i++)
        {
            using var q = StochasticRounding.QuantizeBlocks(x, NvFp4Format.Instance, generator);
            sum.add_(q, one);
        }

        // Each element's spacing in x units is at most 2 · scale_inv (E2M1 steps by 2 at the top), so the mean's std is
        // at most scale_inv / sqrt(draws); bound 6 of those, per element.
        using var view = BlockScaleView.Of(x, NvFp4Format.Instance)!;
        var scaleInv = TensorAssert.Floats(view.ScaleInv.expand(4, 2, 16).reshape(4, 32));
        var mean = TensorAssert.Floats(sum.div(draws));
        var input = TensorAssert.Floats(x);
        // A block's max can sit just above 6 in scale units (its E4M3 scale rounded down): it saturates, as it does with
        // round-to-nearest, so only values inside the range are unbiased.
        var scaled = TensorAssert.Floats(view.Scaled.reshape(-1));
        Assert.Contains(scaled, v => Math.Abs(v) > 6); // this draw of x has such a block max (left out below)
        for (var i = 0; i < input.Length; i++)
            if (Math.Abs(scaled[i]) <= 6) Assert.True(Math.Abs(mean[i] - input[i]) <= 6 * scaleInv[i] / Math.Sqrt(draws), $"element {i}: mean {mean[i]} vs {input[i]}");

        using var a = new Generator(5, CPU);
        using var b = new Generator(5, CPU);
        using var c = new Generator(6, CPU);
        var first = TensorAssert.Floats(StochasticRounding.QuantizeBlocks(x, NvFp4Format.Instance, a));
        Assert.Equal(first, TensorAssert.Floats(StochasticRounding.QuantizeBlocks(x, NvFp4Format.Instance, b)));
        Assert.NotEqual(first, TensorAssert.Floats(StochasticRounding.QuantizeBlocks(x, NvFp4Format.Instance, c)));
    }

    [Fact]
    public void QuantizeBlocks_Int8Groups_FloorOfVPlusU()
    {
        using var x = tensor(Enumerable.Range(0, 16).Select(i => i == 0 ? 127f : 10.25f).ToArray()).reshape(1, 16); // scale 1
        using var generator = new Generator(1, CPU);
        var q = TensorAssert.Floats(StochasticRounding.QuantizeBlocks(x, IntFormat.PerGroup(8, 16), generator));
        Assert.Equal(127f, q[0]);
        Assert.All(q.Skip(1), v => Assert.True(v is 10f or 11f, $"{v}"));
    }

    [Fact]
    public void Supports_EveryFormatButHiF8()
    {
        Assert.False(StochasticRounding.Supports(HiF8Format.Instance));
        Assert.True(StochasticRounding.Supports(FloatFormat.E5M2));
        Assert.True(StochasticRounding.Supports(NvFp4TileFormat.Instance));
        Assert.True(StochasticRounding.Supports(MxFormat.Mxfp4));
    }
}
