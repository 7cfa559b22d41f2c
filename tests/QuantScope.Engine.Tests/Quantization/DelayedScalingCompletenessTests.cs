using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class DelayedScalingCompletenessTests
{
    public static TheoryData<float[], int, float> MeanTable => new()
    {
        // history (index 0 = most recent), filled slots, expected mean
        { [4f, 2f, 0f, 0f], 2, 3f },
        { [4f, 2f, 6f, 8f], 4, 5f },
        { [4f, 2f, 6f, 8f], 99, 5f }, // clamped to H
        { [7f, 0f, 0f, 0f], 0, 7f }, // clamped to 1
        { [float.NaN, 1f, 1f, 1f], 4, float.NaN },
    };

    [Theory]
    [MemberData(nameof(MeanTable))]
    public void AmaxPred_Mean_AveragesTheFilledSlots(float[] history, int filled, float expected)
    {
        using var h = tensor(history);
        using var pred = ScaleMath.AmaxPred(h, AmaxAlgorithm.Mean, filled);
        Assert.Equal(expected, TensorAssert.Scalar(pred));
    }

    [Theory]
    [InlineData("max", AmaxAlgorithm.Max)]
    [InlineData("most_recent", AmaxAlgorithm.MostRecent)]
    [InlineData("mean", AmaxAlgorithm.Mean)]
    public void ParseAlgorithm_KnownNames(string name, AmaxAlgorithm expected) =>
        Assert.Equal(expected, ScaleMath.ParseAlgorithm(name));

    [Fact]
    public void State_Mean_UsesMeanOfHandHistory()
    {
        using var state = new DelayedScalingState("s", new DelayedScalingRecipe { AmaxHistoryLength = 4, AmaxComputeAlgo = AmaxAlgorithm.Mean }, FloatFormat.E4M3);
        var used = ScalingReplay.ScalesUsed(state, [1, 3, 2, 8, 4, 4]);
        // step0 own amax 1 -> 448; then means of filled history: {1}=1, {3,1}=2, {2,3,1}=2, {8,2,3,1}=3.5, {4,8,2,3}=4.25
        Assert.Equal([448f, 448f, 224f, 224f, 128f, 448f / 4.25f], used);
    }

    [Fact]
    public void State_UpdatePeriod_HoldsScaleBetweenUpdates()
    {
        using var state = new DelayedScalingState("s", new DelayedScalingRecipe { AmaxHistoryLength = 4, AmaxComputeAlgo = AmaxAlgorithm.MostRecent, UpdatePeriod = 3 }, FloatFormat.E4M3);
        var used = ScalingReplay.ScalesUsed(state, [1, 2, 4, 8, 16, 32, 64, 1]);
        // updates 1 (first), 3, 6 recompute: after update 1 -> 448/1; held; after update 3 (amax 4) -> 112; held;
        // after update 6 (amax 32) -> 14
        Assert.Equal([448f, 448f, 448f, 112f, 112f, 112f, 14f, 14f], used);
    }

    [Fact]
    public void State_HiF8_ScalesToMaxVal15()
    {
        using var state = new DelayedScalingState("s", new DelayedScalingRecipe { Format = FormatName.HiF8, Margin = 1 }, HiF8Format.Instance);
        Assert.Equal(15.0, state.TargetMax);
        var used = ScalingReplay.ScalesUsed(state, [3, 3]);
        Assert.Equal([2.5f, 2.5f], used); // 15 / 3 / 2^1
    }

    [Theory]
    [InlineData("e4m3", 448.0)]
    [InlineData("e5m2", 57344.0)]
    [InlineData("hif8", 15.0)]
    public void TargetMax_PerFormat(string name, double expected) =>
        Assert.Equal(expected, ScaleMath.TargetMax(NumberFormats.Get(name)));

    [Fact]
    public void FakeQuantizer_HiF8_OutputOnGrid()
    {
        using var x = tensor(new[] { 0.3f, -1.7f, 2.9f });
        using var scale = tensor(5f);
        var r = FakeQuantizer.Apply(x, scale, HiF8Format.Instance);
        using var expected = HiF8Format.Instance.QuantizeDequantize(x.mul(5f)).div(5f);
        Assert.True(r.Output.allclose(expected));
        Assert.Equal(0f, TensorAssert.Scalar(r.Saturation));
        r.Output.Dispose();
        r.Saturation.Dispose();
    }
}
