using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public class DelayedScalingStateTests
{
    private static DelayedScalingState State(int history, string algo) =>
        new("s", new DelayedScalingRecipe { AmaxHistoryLength = history, AmaxComputeAlgo = ScaleMath.ParseAlgorithm(algo) }, FloatFormat.E4M3);

    [Fact]
    public void ScaleFor_SpikeAtStep3_UsedFromStep4AndRollsOffAfterHWindow()
    {
        using var state = State(4, "max");
        var used = ScalingReplay.ScalesUsed(state, [1, 1, 1, 100, 1, 1, 1, 1, 1]);
        // Step 0 seeds from its own amax (448/1). The spike at step 3 is not in step 3's scale; it is in the window
        // for steps 4..7 (448/100 = 4.48) and rolls off once 4 newer amax values have been pushed.
        Assert.Equal([448f, 448f, 448f, 448f, 4.48f, 4.48f, 4.48f, 4.48f, 448f], used);
    }

    [Fact]
    public void ScaleFor_MostRecent_SpikeAffectsOnlyTheNextStep()
    {
        using var state = State(4, "most_recent");
        var used = ScalingReplay.ScalesUsed(state, [1, 1, 1, 100, 1, 1]);
        Assert.Equal([448f, 448f, 448f, 448f, 4.48f, 448f], used);
    }

    [Fact]
    public void ScaleFor_FirstStep_UsesItsOwnAmaxAndReportsItAsPrediction()
    {
        using var state = State(16, "max");
        using var amax = tensor(4f);
        var (scale, pred) = state.ScaleFor(amax);
        Assert.Equal(112f, TensorAssert.Scalar(scale));
        Assert.Equal(4f, TensorAssert.Scalar(pred));
        Assert.False(state.IsSeeded);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Update_UnusableAmax_KeepsPreviousScale(float bad)
    {
        using var state = State(4, "most_recent");
        var used = ScalingReplay.ScalesUsed(state, [2, bad, 8]);
        // Step 0: 448/2 = 224, kept at step 1 (history [2]); step 1 pushes the bad amax -> step 2 still 224.
        Assert.Equal([224f, 224f, 224f], used);
        Assert.Equal(56f, TensorAssert.Scalar(state.Scale)); // after step 2: 448 / 8
    }

    [Fact]
    public void Update_History_HoldsNewestFirst()
    {
        using var state = State(3, "max");
        ScalingReplay.ScalesUsed(state, [1, 2, 3, 4]);
        Assert.Equal([4f, 3f, 2f], TensorAssert.Floats(state.AmaxHistory));
        Assert.Equal(4f, TensorAssert.Scalar(state.AmaxPred));
    }
}
