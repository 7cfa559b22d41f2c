using System.Threading.Channels;

namespace QuantScope.Engine.Tests.Training;

/// <summary>The experiment claims of the issue, shown on the tiny model.</summary>
public class ExperimentTests
{
    private static TrainConfig Tiny(int steps) => TrainConfig.Tiny with { Steps = steps, BatchSize = 4, SeqLen = 32 };

    private static (RunSummary Summary, List<MetricBatch> Batches) Run(TrainConfig config, TrainerOptions? options = null)
    {
        using var trainer = new Trainer(ConfigValidator.Require(config), options);
        var channel = Channel.CreateUnbounded<MetricBatch>();
        var summary = trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var b)) batches.Add(b);
        return (summary, batches);
    }

    private static float[] Series(List<MetricBatch> batches, string metric) =>
        batches.SelectMany(b => b.Scalars).Where(s => s.Metric == metric).OrderBy(s => s.Step).Select(s => s.Value).ToArray();

    [Fact]
    public void TwinWithQuantizationOff_LossesBitIdentical_EvenWithDropout()
    {
        var (summary, batches) = Run(Tiny(8) with { Quant = null, Baseline = true, Dropout = 0.1 });
        var loss = Series(batches, MetricCatalog.Loss);
        var twin = Series(batches, MetricCatalog.BaselineLoss);
        Assert.Equal(8, loss.Length);
        for (var i = 0; i < loss.Length; i++) TensorAssert.BitEqual(loss[i], twin[i], $"step {i}");
        Assert.All(Series(batches, MetricCatalog.LossApe), a => Assert.Equal(0f, a));
        Assert.Equal(new LossApeSummary(0, 0), summary.LossApe);
        Assert.Null(summary.Saturation);
    }

    [Fact]
    public void TwinWithFp8_SameBatchesDifferentNumerics_ApeMatchesSeries()
    {
        var (summary, batches) = Run(Tiny(6) with { Baseline = true });
        var loss = Series(batches, MetricCatalog.Loss);
        var twin = Series(batches, MetricCatalog.BaselineLoss);
        var ape = Series(batches, MetricCatalog.LossApe);
        for (var i = 0; i < loss.Length; i++) Assert.Equal(Math.Abs(loss[i] - twin[i]) / twin[i] * 100, ape[i], 3);
        Assert.True(ape.Any(a => a > 0), "fake quantization changes the loss");
        // Step 0: same initial weights and batch; only the forward numerics differ, so the losses are within 1 %.
        Assert.True(ape[0] < 1, $"step 0 APE {ape[0]} %");
        Assert.Equal(twin[^1], summary.Baseline!.FinalLoss!.Value, 5);
    }

    [Fact]
    public void Evaluation_WithTwin_DiscordantItemsAccountForTheDrop()
    {
        // Quantized run against its twin: the items each got right alone differ by exactly the drop in items.
        var (fp8, _) = Run(Tiny(4) with { Baseline = true, EvalEvery = 4 });
        Assert.Equal(["continuation", "facts"], fp8.Tasks.Select(t => t.Name)); // tiny's context holds no reasoning item
        foreach (var t in fp8.Tasks)
        {
            var n = t.Items!.Value;
            Assert.Equal((int)Math.Round((t.BaselineAcc!.Value - t.Acc) * n), t.TwinOnly!.Value - t.RunOnly!.Value);
            Assert.Equal(TaskSummary.PairedStdErrPp(t.TwinOnly.Value, t.RunOnly.Value, n), t.DropStdErrPp!.Value, 12);
        }

        // With quantization off the twin is the same model: no item differs, and the drop has no noise at all.
        var (same, _) = Run(Tiny(4) with { Quant = null, Baseline = true, EvalEvery = 4 });
        Assert.All(same.Tasks, t => Assert.Equal((0, 0, 0.0, 0.0), (t.TwinOnly, t.RunOnly, t.DropPp, t.DropStdErrPp)));
    }

    [Fact]
    public void MostRecentH1_ExceedsMoreOftenThanMaxH64()
    {
        var config = Tiny(30) with { LearningRate = 1e-2 };
        var mostRecent = Run(config with { Quant = new QuantConfig { Algorithm = AmaxAlgorithm.MostRecent, HistoryLength = 1 } }).Summary.Saturation!;
        var max = Run(config with { Quant = new QuantConfig { Algorithm = AmaxAlgorithm.Max, HistoryLength = 64 } }).Summary.Saturation!;
        Assert.True(mostRecent.StepRate > max.StepRate, $"most_recent/1 {mostRecent.StepRate} vs max/64 {max.StepRate}");
        Assert.NotNull(mostRecent.WorstLayer);
    }

    [Fact]
    public void Bf16Warmup_NoQuantizationThenHistoriesSeedAfresh()
    {
        var (summary, batches) = Run(Tiny(6) with { Bf16WarmupSteps = 3 });
        var points = batches.SelectMany(b => b.LayerPoints).Where(p => p.Role == TensorRoles.Input).ToArray();
        LayerPoint At(int step, string metric) => points.Single(p => p.Step == step && p.Metric == metric);
        for (var step = 0; step < 3; step++) Assert.DoesNotContain(points, p => p.Step == step && p.Metric == MetricCatalog.Scale); // not quantized: no scale
        // Step 3 is the first QAT step: a fresh history seeds from its own amax.
        Assert.Equal(At(3, MetricCatalog.Amax).Values, At(3, MetricCatalog.AmaxPred).Values);
        Assert.All(At(3, MetricCatalog.Scale).Values, s => Assert.True(s > 0));
        Assert.Equal(At(3, MetricCatalog.Amax).Values, At(4, MetricCatalog.AmaxPred).Values);
        Assert.NotNull(summary.Saturation);
    }

    [Fact]
    public void Bf16Warmup_WithQuantizedGradients_IsNotADivergence()
    {
        // During the warmup the gradient is not quantized: only its amax is measured (as the forward roles' are, for the
        // calibration), with no scale; none of that may read as a NaN gradient.
        var (summary, batches) = Run(Tiny(5) with { Bf16WarmupSteps = 2, Quant = new QuantConfig { Preset = "fp8-hybrid-delayed" } });
        Assert.Equal(5, summary.Steps);
        var grad = batches.SelectMany(b => b.LayerPoints).Where(p => p.Role == TensorRoles.GradOutput).ToArray();
        Assert.Equal([0, 1, 2, 3, 4], grad.Where(p => p.Metric == MetricCatalog.Amax).Select(p => p.Step));
        Assert.All(grad.Where(p => p.Metric == MetricCatalog.Amax).SelectMany(p => p.Values), a => Assert.True(float.IsFinite(a) && a > 0));
        Assert.Equal([2, 3, 4], grad.Where(p => p.Metric == MetricCatalog.Scale).Select(p => p.Step));
    }

    [Fact]
    public void AfterPretraining_HighLearningRateForgetsMore_AndThePretrainIsCached()
    {
        var cache = Directory.CreateTempSubdirectory("qs-pretrain-");
        try
        {
            var options = new TrainerOptions { CheckpointDirectory = cache.FullName };
            var config = Tiny(30) with
            {
                Model = ModelConfig.Tiny with { ContextLength = 64 }, SeqLen = 64, BatchSize = 8, Quant = null, EvalEvery = 30,
                Pretrain = new PretrainConfig { Steps = 150, LearningRate = 1e-2 },
            };
            var (low, lowBatches) = Run(config with { LearningRate = 1e-5 }, options);
            Assert.Single(Directory.GetFiles(cache.FullName, "pretrain-*.qsck"));
            var (high, highBatches) = Run(config with { LearningRate = 1e-3 }, options);

            Assert.Equal(150, Series(lowBatches, MetricCatalog.PretrainLoss).Length);
            Assert.Empty(Series(highBatches, MetricCatalog.PretrainLoss)); // loaded from the cache, not trained again
            Assert.Equal(low.Forgetting!.HeldOutLossStart, high.Forgetting!.HeldOutLossStart); // same starting weights
            var lowRise = low.Forgetting.HeldOutLossEnd - low.Forgetting.HeldOutLossStart;
            var highRise = high.Forgetting.HeldOutLossEnd - high.Forgetting.HeldOutLossStart;
            Assert.True(highRise > lowRise, $"held-out loss rise: lr 1e-3 {highRise}, lr 1e-5 {lowRise}");
            Assert.Equal(["continuation", "facts", "reasoning"], high.Tasks.Select(t => t.Name));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }
}
