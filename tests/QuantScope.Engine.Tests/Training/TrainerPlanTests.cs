using System.Threading.Channels;

namespace QuantScope.Engine.Tests.Training;

public class TrainerPlanTests
{
    private static TrainConfig SixBlocks(string? plan) => TrainConfig.Tiny with
    {
        Model = ModelConfig.Tiny with { Layers = 6 },
        Steps = 3,
        BatchSize = 2,
        SeqLen = 16,
        Quant = plan is null ? null : new QuantConfig { Preset = plan },
    };

    private static List<MetricBatch> RunBatches(Trainer trainer)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var b)) batches.Add(b);
        return batches;
    }

    private static float[] Run(Trainer trainer)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();
        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var b)) batches.Add(b);
        return batches.SelectMany(b => b.Scalars).Where(s => s.Metric == MetricCatalog.Loss).Select(s => s.Value).ToArray();
    }

    public static TheoryData<string> Presets => new(QuantPlan.PresetNames);

    [Theory]
    [MemberData(nameof(Presets))]
    public void EveryPreset_TrainsThreeSteps_FiniteLoss(string preset)
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks(preset)));
        var losses = Run(trainer);
        Assert.Equal(3, losses.Length);
        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        // grad entries: every layer in the hybrid recipe, the 3 MLP projections of blocks 1-5 in hif8-pangu (its skips
        // scale to 6 blocks: round(3 * 6 / 26) = 1 first, round(2 * 6 / 26) = 0 last).
        // nvfp4-training: every layer of blocks 0-4 (the last 15 % of 6 blocks, rounded up to 1, stays in high precision).
        var gradEntries = preset switch
        {
            "fp8-hybrid-delayed" => trainer.Layout.Layers.Count,
            "hif8-pangu" => 5 * 3,
            Nvfp4TrainingPlan.Name => trainer.Layout.Layers.Count(l => QuantPlan.BlockIndex(l) is >= 0 and < 5),
            _ => 0,
        };
        Assert.Equal(trainer.Layout.Layers.Count * 2 + gradEntries, trainer.EffectivePlan.Count);
    }

    [Fact]
    public void Nvfp4Training_StochasticGradients_SameSeedSameLosses_OtherSeedOther()
    {
        using var a = new Trainer(ConfigValidator.Require(SixBlocks(Nvfp4TrainingPlan.Name)));
        using var b = new Trainer(ConfigValidator.Require(SixBlocks(Nvfp4TrainingPlan.Name)));
        using var c = new Trainer(ConfigValidator.Require(SixBlocks(Nvfp4TrainingPlan.Name) with { Seed = 2 }));
        var first = Run(a);
        Assert.Equal(first, Run(b));
        Assert.NotEqual(first, Run(c));
    }

    [Fact]
    public void StochasticRounding_OnHiF8_RefusedNamingTheRule()
    {
        var config = SixBlocks(null) with
        {
            Quant = new QuantConfig { Rules = [new QuantRule { Layer = "**", Role = TensorRole.Grad, Format = FormatName.HiF8, Rounding = RoundingMode.Stochastic }] },
        };
        Assert.Contains(ConfigValidator.Validate(config).Errors, e => e.Field == "quant.rules[0].rounding");
    }

    [Fact]
    public void HiF8Pangu_SixBlocks_EffectivePlanQuantizesTheMlpsOfBlocks1To5()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("hif8-pangu")));
        var quantized = trainer.EffectivePlan.Where(e => e.Recipe != "high precision").Select(e => e.Layer).Distinct().ToArray();
        Assert.Equal(Enumerable.Range(1, 5).SelectMany(b => new[] { "gate_proj", "up_proj", "down_proj" }.Select(p => $"model.layers.{b}.mlp.{p}")), quantized);
        Assert.All(trainer.EffectivePlan.Where(e => e.Recipe != "high precision"), e => Assert.Equal("hif8", e.Format));
        Assert.Empty(trainer.PlanWarnings);
        var layers = trainer.Model.QuantizedLayers.ToDictionary(l => l.Name, l => l.Layer);
        Assert.True(layers["model.layers.3.mlp.down_proj"].IsQuantized);
        Assert.Equal(15.0, layers["model.layers.3.mlp.down_proj"].InputScaling!.TargetMax);
        Assert.False(layers["model.layers.0.mlp.down_proj"].IsQuantized);
        Assert.False(layers["model.layers.3.self_attn.q_proj"].IsQuantized);
    }

    [Fact]
    public void Hybrid_GradOutputPoints_FollowDelayedScalingOfE5M2()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("fp8-hybrid-delayed")));
        Assert.All(trainer.EffectivePlan.Where(e => e.Role == TensorRoles.GradOutput),
            e => Assert.Equal(("e5m2", "delayed(h=1024,max,margin=0)", (string?)null), (e.Format, e.Recipe, e.Note)));
        var points = RunBatches(trainer).SelectMany(b => b.LayerPoints).Where(p => p.Role == TensorRoles.GradOutput).ToArray();
        float[] At(int step, string metric) => points.Single(p => p.Step == step && p.Metric == metric).Values;

        // Per step: amax, amaxPred, scale, overflow, underflow, mse, sqnr, dynamicRange, then saturationEvent, -Rate and
        // amaxRatio; on step 0 (stats.histogramEvery 10) also E5M2's 35 histogram bins (zero, under, e-16..e15, over).
        Assert.Equal(3 * 11 + 35, points.Length);
        Assert.All(points.Where(p => MetricCatalog.IsMagHistBin(p.Metric)), p => Assert.Equal(0, p.Step));
        for (var step = 0; step < 3; step++)
        {
            var amax = At(step, MetricCatalog.Amax);
            var pred = At(step, MetricCatalog.AmaxPred);
            var scale = At(step, MetricCatalog.Scale);
            Assert.All(amax, a => Assert.True(a > 0 && float.IsFinite(a)));
            for (var l = 0; l < amax.Length; l++) TensorAssert.BitEqual(57344f / pred[l], scale[l], $"step {step} layer {l}");
        }

        // Delayed: step 1 is scaled by step 0's amax; step 2 by the max over steps 0 and 1.
        Assert.Equal(At(0, MetricCatalog.Amax), At(1, MetricCatalog.AmaxPred));
        Assert.Equal(At(0, MetricCatalog.Amax).Zip(At(1, MetricCatalog.Amax), Math.Max), At(2, MetricCatalog.AmaxPred));
    }

    [Fact]
    public void FwdOnlyPreset_GradNotWatched_EmitsNoGradOutputPoints()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("fp8-delayed") with { Stats = new StatsConfig { Grad = false } }));
        Assert.DoesNotContain(RunBatches(trainer).SelectMany(b => b.LayerPoints), p => p.Role == TensorRoles.GradOutput);
    }

    [Fact]
    public void FwdOnlyPreset_GradWatched_AmaxRangeAndWhatIfFp8Only()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("fp8-delayed")));
        var grad = RunBatches(trainer).SelectMany(b => b.LayerPoints).Where(p => p.Role == TensorRoles.GradOutput).ToArray();
        Assert.Equal(
            [MetricCatalog.Amax, MetricCatalog.DynamicRange, "whatIf.e5m2.overflowFraction", "whatIf.e5m2.underflowFraction", "whatIf.e4m3.overflowFraction", "whatIf.e4m3.underflowFraction"],
            grad.Where(p => p.Step == 0).Select(p => p.Metric));
        Assert.All(grad.Where(p => p.Metric.StartsWith("whatIf.", StringComparison.Ordinal)), p => Assert.All(p.Values, v => Assert.InRange(v, 0f, 1f)));
        Assert.All(grad.Single(p => p.Step == 2 && p.Metric == MetricCatalog.Amax).Values, v => Assert.True(v > 0 && float.IsFinite(v)));
    }

    [Fact]
    public void Mxfp4_BlockRoles_ReportAmaxPredEqualsAmaxAndNoSaturation()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("mxfp4")));
        var points = RunBatches(trainer).SelectMany(b => b.LayerPoints).ToArray();
        foreach (var role in new[] { TensorRoles.Input, TensorRoles.Weight })
        {
            var amax = points.Where(p => p.Role == role && p.Metric == MetricCatalog.Amax).SelectMany(p => p.Values).ToArray();
            var pred = points.Where(p => p.Role == role && p.Metric == MetricCatalog.AmaxPred).SelectMany(p => p.Values).ToArray();
            Assert.Equal(amax, pred);
            Assert.All(amax, a => Assert.True(a > 0));
        }

        Assert.All(points.Where(p => p.Metric == MetricCatalog.OverflowFraction).SelectMany(p => p.Values), s => Assert.Equal(0f, s));
    }

    [Fact]
    public void HiF8Pangu_HighPrecisionLayers_StillReportAmax()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("hif8-pangu")));
        var points = RunBatches(trainer).SelectMany(b => b.LayerPoints).ToArray();
        var row = trainer.Layout.Layers.ToList().IndexOf("model.layers.0.mlp.down_proj");
        var amax = points.First(p => p.Role == TensorRoles.Input && p.Metric == MetricCatalog.Amax).Values[row];
        var scale = points.First(p => p.Role == TensorRoles.Input && p.Metric == MetricCatalog.Scale).Values[row];
        Assert.True(amax > 0);
        Assert.True(float.IsNaN(scale)); // high precision: no scale, shown as null
        var q = trainer.Layout.Layers.ToList().IndexOf("model.layers.3.mlp.down_proj");
        Assert.True(points.First(p => p.Role == TensorRoles.Input && p.Metric == MetricCatalog.Scale).Values[q] > 0);
    }

    [Fact]
    public void W4A4_TinyDims_FallsBackPerChannelWithWarning()
    {
        using var trainer = new Trainer(ConfigValidator.Require(SixBlocks("w4a4-g128")));
        Assert.NotEmpty(trainer.PlanWarnings);
        Assert.Equal(trainer.EffectivePlan.Count, trainer.PlanWarnings.Count); // dModel 32, ffn 64: no layer divides 128
        Assert.All(trainer.EffectivePlan, e => Assert.Equal("int4", e.Format));
        Assert.All(trainer.EffectivePlan, e => Assert.Contains("group size 128 does not divide", e.Note));
    }

    [Fact]
    public void PresetOverrides_ApplyToEveryDelayedRule_NullQuantIsHighPrecision()
    {
        using var trainer = new Trainer(ConfigValidator.Require(TrainConfig.Tiny with { Quant = new QuantConfig { Format = FormatName.E5M2, Algorithm = AmaxAlgorithm.Mean, HistoryLength = 4 } }));
        Assert.All(trainer.EffectivePlan, e => Assert.Equal(("e5m2", "delayed(h=4,mean,margin=0)"), (e.Format, e.Recipe)));
        using var off = new Trainer(ConfigValidator.Require(TrainConfig.Tiny with { Quant = null }));
        Assert.All(off.EffectivePlan, e => Assert.Equal("high precision", e.Recipe));
    }

    [Fact]
    public void HybridFormatOverride_KeepsE5M2Gradients()
    {
        var plan = new QuantConfig { Preset = "fp8-hybrid-delayed", Format = FormatName.HiF8 }.ToPlan().Resolve(["model.layers.0.mlp.up_proj"]);
        Assert.Equal("hif8", plan.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Input)!.Format.Name);
        Assert.Equal("e5m2", plan.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Grad)!.Format.Name);
    }

    [Fact]
    public void UnknownPreset_IsAConfigErrorOnQuantPreset()
    {
        var errors = ConfigValidator.Validate(TrainConfig.Tiny with { Quant = new QuantConfig { Preset = "fp3" } }).Errors;
        Assert.Equal(["quant.preset"], errors.Select(e => e.Field));
        Assert.Throws<ArgumentException>(() => new Trainer(ConfigValidator.Require(TrainConfig.Tiny with { Quant = new QuantConfig { Preset = "fp3" } })));
    }
}
