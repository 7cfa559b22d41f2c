using System.Threading.Channels;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Training;

public class TrainerTests
{
    private static (List<MetricBatch> Batches, Exception? Error) RunToEnd(Trainer trainer, CancellationToken ct = default)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        Exception? error = null;
        try
        {
            trainer.Run(Guid.NewGuid(), channel.Writer, ct);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        channel.Writer.Complete();
        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var b)) batches.Add(b);
        return (batches, error);
    }

    private static float[] Losses(IEnumerable<MetricBatch> batches) =>
        batches.SelectMany(b => b.Scalars).Where(s => s.Metric == MetricCatalog.Loss).Select(s => s.Value).ToArray();

    [Fact]
    public void Run_TinyConfig_EmitsOneBatchPerStepWithFiniteLossAndFullLayerRows()
    {
        using var trainer = new Trainer(ConfigValidator.Require(TrainConfig.Tiny));
        var (batches, error) = RunToEnd(trainer);
        Assert.Null(error);
        Assert.Equal(TrainConfig.Tiny.Steps, batches.Count);
        Assert.Equal(14, trainer.Layout.Layers.Count); // 2 blocks x 7 projections
        for (var step = 0; step < batches.Count; step++)
        {
            var batch = batches[step];
            Assert.Equal(step, batch.LastStep);
            Assert.Equal([MetricCatalog.Loss, MetricCatalog.LearningRate, MetricCatalog.StepMillis, MetricCatalog.Tokens], batch.Scalars.Take(4).Select(s => s.Metric));
            // The 4 largest input channels of each FC2 (2 blocks): absmax and channel index, largest first.
            var outliers = batch.Scalars.Skip(4).ToArray();
            Assert.Equal(2 * 4 * 2, outliers.Length);
            Assert.Equal("outliers.model.layers.1.mlp.down_proj.3.channel", outliers[^1].Metric);
            var magnitudes = outliers.Where(o => o.Metric.EndsWith(".absmax", StringComparison.Ordinal)).Take(4).Select(o => o.Value).ToArray();
            Assert.Equal(magnitudes.OrderByDescending(v => v), magnitudes);
            Assert.All(outliers.Where(o => o.Metric.EndsWith(".channel", StringComparison.Ordinal)), o => Assert.InRange(o.Value, 0, 63)); // tiny FFN 64
            Assert.True(float.IsFinite(batch.Scalars[0].Value));
            Assert.Equal((step + 1) * 4 * 32, batch.Scalars[3].Value); // tokens: B · T per step, cumulative
            var expected = new List<(string, string)>();
            foreach (var role in new[] { TensorRoles.Input, TensorRoles.Weight })
            {
                // Every step is a stats step; the error split and the histogram (E4M3's bins) come every 10 steps; HiF8
                // tiers never (E4M3), nor the block-scale statistics (per-tensor scaling), other bins or the grad-only what-ifs.
                var e4m3Bins = MagnitudeBins.For(FormatName.E4M3).Select(b => b.Metric).ToHashSet();
                string[] blockScale = [MetricCatalog.ScaleInvMin, MetricCatalog.ScaleInvMax, MetricCatalog.ScaleStd, MetricCatalog.BlocksAtScaleLimit, MetricCatalog.BlockUnderflow];
                expected.AddRange(LayerStatsLayout.Metrics
                    .Where(m => !m.StartsWith("hif8", StringComparison.Ordinal))
                    .Where(m => !MetricCatalog.IsMagHistBin(m) || e4m3Bins.Contains(m) && step % 10 == 0)
                    .Where(m => !blockScale.Contains(m) && !m.StartsWith(MetricCatalog.WhatIfPrefix, StringComparison.Ordinal))
                    .Where(m => role == TensorRoles.Input ? m is not (MetricCatalog.WeightNorm or MetricCatalog.GradNorm) : m is not (MetricCatalog.Kurtosis or MetricCatalog.ChannelRatio))
                    .Where(m => role == TensorRoles.Input && step % 10 == 0 || !m.StartsWith("error", StringComparison.Ordinal))
                    .Select(m => (m, role)));
                expected.AddRange([(MetricCatalog.SaturationEvent, role), (MetricCatalog.SaturationRate, role), (MetricCatalog.AmaxRatio, role)]);
            }

            expected.AddRange(GradWatched.Select(m => (m, TensorRoles.GradOutput))); // the gradient stays in high precision: watched

            Assert.Equal(expected, batch.LayerPoints.Select(p => (p.Metric, p.Role)));
            Assert.All(batch.LayerPoints, p => Assert.Equal(trainer.Layout.Layers.Count, p.Values.Length));
            Assert.All(batch.LayerPoints, p => Assert.All(p.Values, v => Assert.False(float.IsNaN(v), $"{p.Metric}/{p.Role} step {step}")));
        }

        var scales = batches[5].LayerPoints.Single(p => p.Metric == MetricCatalog.Scale && p.Role == TensorRoles.Input);
        var amaxPred = batches[5].LayerPoints.Single(p => p.Metric == MetricCatalog.AmaxPred && p.Role == TensorRoles.Input);
        for (var l = 0; l < scales.Values.Length; l++)
            Assert.Equal(448f / amaxPred.Values[l], scales.Values[l]); // scale = max / amaxPred, one float32 division
        var losses = Losses(batches);
        Assert.True(losses[^1] < losses[0], string.Join(", ", losses));
    }

    [Fact]
    public void Run_LogEveryFive_EmitsFiveStepsPerBatchAndOnlyAmaxWhenUnquantized()
    {
        using var trainer = new Trainer(ConfigValidator.Require(TrainConfig.Tiny with { Steps = 12, LogEvery = 5, Quant = null }));
        var (batches, error) = RunToEnd(trainer);
        Assert.Null(error);
        Assert.Equal([4, 9, 11], batches.Select(b => b.LastStep));
        // Unquantized: per role only what needs no quantizer: amax and the dynamic range, the input's shape, the weight's
        // norms, and the watched gradient's what-if FP8 (stats.grad, on by default).
        Assert.Equal(
            [(MetricCatalog.Amax, TensorRoles.Input), (MetricCatalog.DynamicRange, TensorRoles.Input), (MetricCatalog.Kurtosis, TensorRoles.Input),
             (MetricCatalog.ChannelRatio, TensorRoles.Input), (MetricCatalog.Amax, TensorRoles.Weight), (MetricCatalog.DynamicRange, TensorRoles.Weight),
             (MetricCatalog.WeightNorm, TensorRoles.Weight), (MetricCatalog.GradNorm, TensorRoles.Weight), .. GradWatched.Select(m => (m, TensorRoles.GradOutput))],
            batches[0].LayerPoints.Where(p => p.Step == 1).Select(p => (p.Metric, p.Role)));
        Assert.Equal(Enumerable.Range(0, 12), batches.SelectMany(b => b.Scalars).Where(s => s.Metric == MetricCatalog.Loss).Select(s => s.Step));
    }

    // A high-precision gradient's points on a stats step, in layout order.
    private static readonly string[] GradWatched =
    [
        MetricCatalog.Amax, MetricCatalog.DynamicRange, "whatIf.e5m2.overflowFraction", "whatIf.e5m2.underflowFraction",
        "whatIf.e4m3.overflowFraction", "whatIf.e4m3.underflowFraction",
    ];

    [Fact]
    public void Run_SameSeed_SameLosses()
    {
        var config = TrainConfig.Tiny with { Steps = 5 };
        using var a = new Trainer(ConfigValidator.Require(config));
        using var b = new Trainer(ConfigValidator.Require(config));
        Assert.Equal(Losses(RunToEnd(a).Batches), Losses(RunToEnd(b).Batches));
    }

    [Fact]
    public void Run_CancelledDuringStep3_ThrowsAndStopsWithinOneStep()
    {
        using var cts = new CancellationTokenSource();
        using var trainer = new Trainer(ConfigValidator.Require(TrainConfig.Tiny));
        trainer.BeforeStep = step => { if (step == 3) cts.Cancel(); };
        var (batches, error) = RunToEnd(trainer, cts.Token);
        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.InRange(batches.Max(b => b.LastStep), 2, 3);
    }

    [Fact]
    public void Run_NaNPoisonedWeight_ThrowsDivergedNamingLayerRoleAndStep()
    {
        using var trainer = new Trainer(ConfigValidator.Require(TrainConfig.Tiny));
        const string target = "model.layers.1.mlp.up_proj";
        trainer.BeforeStep = step =>
        {
            if (step != 2) return;
            var weight = trainer.Model.named_parameters().Single(p => p.name == target + ".weight").parameter;
            using (no_grad()) weight[0, 0] = tensor(float.NaN);
        };

        var (batches, error) = RunToEnd(trainer);
        var diverged = Assert.IsType<TrainingDivergedException>(error);
        Assert.Equal(target, diverged.LayerName);
        Assert.Equal(TensorRoles.Weight, diverged.Role);
        Assert.Equal(2, diverged.Step);
        Assert.Equal([0, 1], batches.Select(b => b.LastStep)); // finite steps before it were written
        // The summary keeps where, as data: the diagnosis reads it rather than the message.
        Assert.Equal(new DivergenceInfo(2, target, TensorRoles.Weight), trainer.SummarySoFar(Guid.NewGuid(), RunStatus.Failed)!.Divergence);
    }

    [Fact]
    public void Constructor_InvalidConfig_ThrowsListingFields()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Trainer(ConfigValidator.Require(TrainConfig.Tiny with { Steps = 0, LogEvery = 0 })));
        Assert.Contains("steps", ex.Message, StringComparison.Ordinal);
        Assert.Contains("logEvery", ex.Message, StringComparison.Ordinal);
    }
}
