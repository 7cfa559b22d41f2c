using QuantScope.Engine.Analysis.Replay;
using QuantScope.Engine.Tests.Quantization;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Analysis.Replay;

/// <summary>The managed mirror against the tensor state and tensor math it mirrors.</summary>
public class ReplayScalingStateTests
{
    [Theory]
    [InlineData(1, "max", 0, 1)]
    [InlineData(3, "max", 0, 1)]
    [InlineData(2, "most_recent", 1, 1)]
    [InlineData(4, "max", -2, 3)]
    [InlineData(5, "most_recent", 0, 2)]
    public void ScaleFor_RandomSeries_BitEqualToDelayedScalingState(int h, string algo, int margin, int period)
    {
        var random = new Random(h * 31 + period);
        var amax = Enumerable.Range(0, 40).Select(_ => (float)Math.Exp(random.NextDouble() * 6 - 3)).ToArray();
        amax[7] = 0f; // an all-zero tensor: the scale must be held
        var recipe = new DelayedScalingRecipe { AmaxHistoryLength = h, AmaxComputeAlgo = ScaleMath.ParseAlgorithm(algo), Margin = margin, UpdatePeriod = period };
        using var tensorState = new DelayedScalingState("s", recipe, NumberFormats.Get("e4m3"));
        var expected = ScalingReplay.ScalesUsed(tensorState, amax);

        var managed = new ReplayScalingState(RecipeText.TryParseDelayed(ResolvedPlan.Describe(recipe), "e4m3")!);
        for (var t = 0; t < amax.Length; t++)
        {
            var (scale, _) = managed.ScaleFor(amax[t]);
            TensorAssert.BitEqual(expected[t], scale, $"step {t}");
            managed.Update(amax[t]);
        }
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(float.Epsilon, 0)]
    [InlineData(1e-40f, 0)]
    [InlineData(0.0009765625f, 0)]
    [InlineData(100f, 0)]
    [InlineData(3f, 3)]
    [InlineData(1792f, 2)]
    [InlineData(float.PositiveInfinity, 0)]
    [InlineData(float.NaN, 0)]
    [InlineData(-3f, 0)]
    public void ComputeScale_EdgeTable_ManagedBitEqualToTensor(float amax, int margin)
    {
        using var pred = tensor(amax);
        using var previous = tensor(7f);
        using var scale = ScaleMath.ComputeScale(448.0, pred, margin, previous);
        TensorAssert.BitEqual(TensorAssert.Scalar(scale), ScaleMath.ComputeScale(448.0, amax, margin, 7f), $"amax {amax:R}");
    }

    [Fact]
    public void AmaxPred_ManagedWindow_MatchesTensorForMaxAndMostRecentIncludingNaN()
    {
        foreach (var window in new[] { new[] { 3f, 5f, 0f }, [2f, float.NaN, 1f] })
        {
            using var history = tensor(window);
            foreach (var algorithm in new[] { AmaxAlgorithm.Max, AmaxAlgorithm.MostRecent })
            {
                using var pred = ScaleMath.AmaxPred(history, algorithm);
                TensorAssert.BitEqual(TensorAssert.Scalar(pred), ScaleMath.AmaxPred(window, algorithm), $"{algorithm} [{string.Join(", ", window)}]");
            }
        }

        Assert.Equal(4f, ScaleMath.AmaxPred([3f, 5f, 0f], AmaxAlgorithm.Mean, filled: 2));
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(2, 1, true)]
    [InlineData(2, 3, false)]
    [InlineData(3, 3, true)]
    [InlineData(4, 3, false)]
    public void RecomputesAt_UpdateAndPeriod_FirstAndEveryNth(int updates, int period, bool expected) =>
        Assert.Equal(expected, ScaleMath.RecomputesAt(updates, period));
}
