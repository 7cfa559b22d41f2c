using QuantScope.Engine.Numerics.Cpu;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization.Cpu;

/// <summary>
/// A stats step reads a tensor once for its amax and its smallest nonzero magnitude (<see cref="StatsKernel.Range(Tensor)"/>
/// for weights, the shape pass's channel absmax for inputs): both equal what the separate routes give
/// (<see cref="ScaleMath.Amax"/>, <see cref="RangeStats.SmallestNonzero"/>), on edge tables, tails, parts and NaN. Equal
/// as values: the amax of an all-zero tensor is +0 here where the tensor route gives -0, and a NaN's sign bit may differ.
/// </summary>
public sealed class RangeKernelTests
{
    public static TheoryData<float[]> Edges => new()
    {
        new[] { 0f, -0f, 0f },
        new[] { -0f },
        new[] { float.Epsilon, -float.Epsilon, 0f },
        new[] { 0f, float.PositiveInfinity, 1f },
        new[] { float.NegativeInfinity, 2f, 0f, -3f, 5f, 1e-40f, 7f, 8f, 9f },
        new[] { -float.MaxValue, float.MaxValue, MathF.ScaleB(1, -126) },
        new[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, float.NaN, 9f, 10f },
        new[] { 448f, -448f, 0.5f, 0.25f, -0.125f, 0f, 3f, 1f, -2f, 0f, 0f },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public void Range_EdgeTable_EqualsTheSeparateRoutes(float[] values)
    {
        using var x = tensor(values);
        AssertRange(x);
    }

    [Theory]
    [InlineData(19, -1)]
    [InlineData(19, 18)] // NaN in the tail
    [InlineData((1 << 22) + 3, -1)] // several parts (CpuKernel.StatsMinPerThread)
    [InlineData((1 << 22) + 3, (1 << 22) - 2)] // NaN in the last part
    public void Range_Random_EqualsTheSeparateRoutes(int length, int nanAt)
    {
        using var x = tensor(Random(length, nanAt));
        AssertRange(x);
    }

    [Theory]
    [InlineData(3, 13, -1)] // channels not a multiple of the vector width
    [InlineData(64, 384, -1)]
    [InlineData(5, 16, 41)] // NaN
    [InlineData(4, 8, -2)] // every element zero
    public void MeasureShapeFirst_AmaxEqualsScaleMathAmaxAndTheShapeIsUnchanged(int rows, int channels, int nanAt)
    {
        var values = nanAt == -2 ? new float[rows * channels] : Random(rows * channels, nanAt);
        using var x = tensor(values).reshape(rows, channels);
        using var first = new InputStats(x);
        using var plain = new InputStats(x);

        first.MeasureShapeFirst();
        using var expected = ScaleMath.Amax(x);
        Assert.Equal(expected.item<float>(), first.Amax.item<float>());
        Assert.Equal(Bits(plain.Shape), Bits(first.Shape));
        Assert.Equal(Bits(plain.ChannelAbsMax), Bits(first.ChannelAbsMax));
        Assert.Equal(plain.SmallestNonzero.data<double>().ToArray(), first.SmallestNonzero.data<double>().ToArray());
    }

    [Fact]
    public void MeasureShapeFirst_AfterTheAmax_KeepsIt()
    {
        using var x = tensor(new[] { 1f, -4f, 2f, 3f }).reshape(2, 2);
        using var stats = new InputStats(x);
        var amax = stats.Amax;
        stats.MeasureShapeFirst();
        Assert.Same(amax, stats.Amax);
    }

    [Fact]
    public void StatsStep_RecordsTheAmaxOfAStepWithoutStats()
    {
        var values = Random(6 * 24, -1);
        float[] Row(bool stats)
        {
            using var layer = new QuantLinear("fc", 24, 8, false, new DelayedScalingRecipe(), new DelayedScalingRecipe());
            layer.train();
            using (no_grad()) layer.Weight.copy_(linspace(-3, 5, 8 * 24).reshape(8, 24));
            layer.Probe.CollectStats = stats;
            using var x = tensor(values).reshape(6, 24);
            layer.forward(x).Dispose();
            return [.. new[] { TensorRoles.Input, TensorRoles.Weight }.Select(role => TensorAssert.Floats(layer.Probe.Stats)[LayerStatsLayout.IndexOf(role, MetricCatalog.Amax)])];
        }

        var withStats = Row(true);
        Assert.Equal(Row(false), withStats);
        Assert.Equal(5f, withStats[1]);
        Assert.Equal(values.Max(MathF.Abs), withStats[0]);
    }

    private static void AssertRange(Tensor x)
    {
        Assert.True(CpuKernel.Applies(x));
        var (amax, smallest) = StatsKernel.Range(x);
        using var expectedAmax = ScaleMath.Amax(x);
        using var expectedSmallest = RangeStats.SmallestNonzeroMagnitude(x.abs());
        Assert.Equal(expectedAmax.item<float>(), amax); // NaN equals NaN, +0 equals -0
        Assert.Equal(float.IsNaN(amax), float.IsNaN(smallest));
        Assert.Equal(expectedSmallest.data<double>().Single(), smallest);
    }

    private static int[] Bits(Tensor t) => [.. t.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)];

    private static float[] Random(int length, int nanAt)
    {
        var random = new Random(length);
        var values = new float[length];
        for (var i = 0; i < length; i++)
            values[i] = random.Next(4) == 0 ? 0f : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(2, (float)(random.NextDouble() * 150 - 149));
        if (nanAt >= 0) values[nanAt] = float.NaN;
        return values;
    }
}
