using QuantScope.Engine.Analysis.Ptq;

namespace QuantScope.Engine.Tests.Analysis.Ptq;

public sealed class PtqAnalysisTests(TinyCheckpointRun run) : IClassFixture<TinyCheckpointRun>
{
    private PtqReport Analyse(PtqRequest request) =>
        PtqAnalysis.Run(run.Config, null, run.RunFolder, run.Checkpoints, request, null, CancellationToken.None);

    private PtqReport Analyse(string format, bool activations = false, bool sensitivity = false, int keep = 0) =>
        Analyse(new PtqRequest { Plan = PtqPlans.Resolve(null, format, null), Activations = activations, Sensitivity = sensitivity, KeepHighPrecision = keep });

    [Fact]
    public void Run_HighPrecisionPlan_ZeroDegradation()
    {
        var report = Analyse(new PtqRequest { Plan = QuantPlan.HighPrecision, Activations = true });

        Assert.Empty(report.QuantizedLayers);
        Assert.Equal(0.0, report.LossDelta);
        Assert.Equal(0.0, report.AccuracyDelta);
        Assert.Equal(report.Baseline, report.Quantized with { Tasks = report.Baseline.Tasks });
        Assert.Equal(30, report.Checkpoint.Step); // "last" by default
    }

    [Fact]
    public void Run_Int2AgainstInt8_Int2DamagesMore()
    {
        var int8 = Analyse("int8");
        var int2 = Analyse("int2");

        Assert.Equal(14, int8.QuantizedLayers.Count);
        Assert.True(int2.LossDelta > int8.LossDelta, $"int2 {int2.LossDelta} vs int8 {int8.LossDelta}");
        Assert.True(int2.LossDelta > 0.01, $"int2 {int2.LossDelta}");
        Assert.True(Math.Abs(int8.LossDelta) < 0.01, $"int8 {int8.LossDelta}");
        Assert.Equal(int8.Baseline.Loss, int2.Baseline.Loss); // same checkpoint, same windows
    }

    [Fact]
    public void Run_WeightsAndActivations_DamagesAtLeastAsMuchAsWeightsOnly()
    {
        var weights = Analyse("int4");
        var both = Analyse("int4", activations: true);

        Assert.True(both.LossDelta > weights.LossDelta, $"W4A4 {both.LossDelta} vs W4 {weights.LossDelta}");
    }

    [Fact]
    public void Run_Sensitivity_RanksEveryQuantizedLayerOnce()
    {
        var report = Analyse("int2", sensitivity: true);

        Assert.Equal(report.QuantizedLayers.Order(), report.Sensitivity.Select(s => s.Layer).Order());
        Assert.Equal(Enumerable.Range(1, 14), report.Sensitivity.Select(s => s.Rank));
        Assert.True(report.Sensitivity.Zip(report.Sensitivity.Skip(1)).All(p => p.First.Delta >= p.Second.Delta));
        Assert.All(report.Sensitivity, s => Assert.Equal(s.Loss - report.Baseline.Loss, s.Delta, 12));
    }

    [Fact]
    public void Run_KeepThree_ExportedPlanKeepsTheWorstThreeUnquantizedAndValidates()
    {
        var report = Analyse("int4-g16", activations: true, sensitivity: true, keep: 3);

        var plan = Assert.IsType<QuantConfig>(report.KeepPlan);
        Assert.Empty(ConfigValidator.Validate(run.Config with { Quant = plan }).Errors);
        using var model = new LlamaForCausalLM(run.Config.Model, plan.ToPlan(), run.Config.Seed);
        var worst = report.Sensitivity.Take(3).Select(s => s.Layer).ToHashSet();
        foreach (var (name, layer) in model.QuantizedLayers)
        {
            Assert.Equal(!worst.Contains(name), layer.IsQuantized);
            if (!worst.Contains(name)) Assert.Equal("int4-g16", layer.WeightRecipe!.Format.Name);
        }
    }

    [Fact]
    public void Run_KeepMoreThanLayers_ThrowsNamingKeep()
    {
        var ex = Assert.Throws<PtqInputException>(() => Analyse("int8", sensitivity: true, keep: 15));
        Assert.Equal("keepHighPrecision", ex.Field);
    }

    [Fact]
    public void Run_TokenCurve_OnePointPerCheckpointByTokensSeen()
    {
        var report = Analyse(new PtqRequest { Plan = PtqPlans.Resolve(null, "int2", null), CheckpointStep = 15 });

        Assert.Equal(15, report.Checkpoint.Step);
        Assert.Equal([15, 30], report.TokenCurve.Select(p => p.Step));
        Assert.Equal([15L * 128, 30L * 128], report.TokenCurve.Select(p => p.TokensSeen));
        Assert.Equal(report.LossDelta, report.TokenCurve[0].Delta);
        Assert.True(report.TokenCurve[1].BaselineLoss < report.TokenCurve[0].BaselineLoss); // it kept learning
        Assert.All(report.TokenCurve, p => Assert.Equal(p.QuantizedLoss - p.BaselineLoss, p.Delta));
    }

    [Fact]
    public void Run_Outliers_FiniteMetricsForEveryQuantizedLayer()
    {
        var report = Analyse("int8");

        Assert.Equal(report.QuantizedLayers, report.Outliers.Select(o => o.Layer));
        Assert.All(report.Outliers, o =>
        {
            Assert.True(o.WeightKurtosis > 1 && double.IsFinite(o.WeightKurtosis), o.Layer);
            Assert.True(o.SpectralNorm > 0 && o.ActivationStd > 0, o.Layer);
            Assert.Equal(o.Layer.EndsWith("o_proj") || o.Layer.EndsWith("down_proj"), o.NormGainSpread is null);
            if (o.NormGainSpread is { } spread) Assert.True(spread >= 1, o.Layer);
        });
    }

    [Fact]
    public void Select_UnknownStepOrNoCheckpoints_ThrowsNamingCheckpoint()
    {
        Assert.Equal("checkpoint", Assert.Throws<PtqInputException>(() => PtqAnalysis.Select(run.Checkpoints, 7)).Field);
        Assert.Equal("checkpoint", Assert.Throws<PtqInputException>(() => PtqAnalysis.Select([], null)).Field);
    }
}
