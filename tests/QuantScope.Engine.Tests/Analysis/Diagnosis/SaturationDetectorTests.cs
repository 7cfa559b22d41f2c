using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class SaturationDetectorTests
{
    [Fact]
    public void Detect_SpikyDownProjUnderMostRecent_FlagsItWithReplayPredictionAndLongerMaxFix()
    {
        // down_proj of block 1 (layer 3): amax spikes every 6 steps; under most_recent each spike saturates.
        static float Amax(int s, int l) => l == 3 && s % 6 == 5 ? 50f : 1f;
        var input = HealthyRun.Input()
            .With(MetricCatalog.Amax, TensorRoles.Input, HealthyRun.PerLayer(Amax))
            .With(MetricCatalog.SaturationEvent, TensorRoles.Input, HealthyRun.PerLayer((s, l) => l == 3 && s % 6 == 5 ? 1f : 0f))
            .With(MetricCatalog.OverflowFraction, TensorRoles.Input, HealthyRun.PerLayer((s, l) => l == 3 && s % 6 == 5 ? 0.02f : 0f));
        input = input with
        {
            Plan = input.Plan.Select(p => p with { Recipe = "delayed(h=16,most_recent,margin=0)" }).ToArray(),
        };

        var finding = Assert.Single(SaturationDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity); // 10 of 60 = 17 %: below the 25 % critical line
        Assert.Equal(["model.layers.1.mlp.down_proj"], finding.Layers);
        Assert.Equal([5, 11, 17, 23, 29], finding.Steps);
        Assert.Contains("10 of 60 steps (17 %)", finding.Evidence);
        Assert.Contains("Settings: most_recent/H=16.", finding.Evidence);
        Assert.Contains("Replay of model.layers.1.mlp.down_proj with max/H=64: 1.7 % (1 of 60 steps)", finding.Evidence); // only the first spike
        Assert.Contains("2.0 % of elements clipped", finding.Evidence);
        Assert.Contains("historyLength 64", finding.Fix);
        Assert.Equal(new ChartHint(MetricCatalog.SaturationEvent, TensorRoles.Input, "model.layers.1.mlp.down_proj"), finding.Chart);
    }

    [Fact]
    public void Detect_HalfTheStepsSaturateUnderLongMax_CriticalWithMarginFix()
    {
        // Saturating steps clip 1 % of the weights (no twin APE in the input: without a measured cost, the clipping decides).
        var input = HealthyRun.Input()
            .With(MetricCatalog.SaturationEvent, TensorRoles.Weight, HealthyRun.PerLayer((s, _) => s % 2))
            .With(MetricCatalog.OverflowFraction, TensorRoles.Weight, HealthyRun.PerLayer((s, _) => s % 2 == 1 ? 0.01f : 0f));
        input = input with { Plan = input.Plan.Select(p => p with { Recipe = "delayed(h=64,max,margin=0)" }).ToArray() };
        var finding = Assert.Single(SaturationDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Equal(4, finding.Layers.Count);
        Assert.Contains("margin 1", finding.Fix);
    }

    [Fact]
    public void Detect_WeightAmaxGrowingEveryStep_ReplayShowsLongerWindowUseless_FixIsHeadroom()
    {
        // Weights that grow 1 % per step: every step's amax exceeds every earlier one, so max over any window is
        // always one step behind and saturates on every step; a longer window cannot help, only headroom can.
        static float Amax(int s, int l) => MathF.Pow(1.01f, s);
        var input = HealthyRun.Input()
            .With(MetricCatalog.Amax, TensorRoles.Weight, HealthyRun.PerLayer(Amax))
            .With(MetricCatalog.SaturationEvent, TensorRoles.Weight, HealthyRun.PerLayer((s, _) => 1f))
            .With(MetricCatalog.OverflowFraction, TensorRoles.Weight, HealthyRun.PerLayer((s, _) => 0.005f));
        input = input with { Plan = input.Plan.Select(p => p with { Recipe = "delayed(h=1,most_recent,margin=0)" }).ToArray() };

        var finding = Assert.Single(SaturationDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Contains("with max/H=64: 98 % (59 of 60 steps)", finding.Evidence); // all but step 0, which has no history yet
        Assert.Contains("A longer window does not help here", finding.Fix);
        Assert.Contains("quant.margin 1", finding.Fix);
        Assert.DoesNotContain("historyLength 64", finding.Fix);
    }

    [Fact]
    public void Detect_EventsOnlyDuringWarmup_Ignored()
    {
        var input = HealthyRun.Input().With(MetricCatalog.SaturationEvent, TensorRoles.Input, HealthyRun.PerLayer((s, _) => s < 20 ? 1f : 0f));
        input = input with { Requested = input.Requested! with { Bf16WarmupSteps = 20 } };
        Assert.Empty(SaturationDetector.Detect(input, DiagnosisThresholds.Default));
    }

    [Fact]
    public void Detect_EventsOnlyAtQatStartWithoutWarmup_InfoNamingTheEmptyHistories()
    {
        // Two events per layer in the first QAT steps (too few for the whole-run finding), none afterwards, nothing clipped.
        var input = HealthyRun.Input().With(MetricCatalog.SaturationEvent, TensorRoles.Input, HealthyRun.PerLayer((s, _) => s is 1 or 3 ? 1f : 0f));
        var finding = Assert.Single(SaturationDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Info, finding.Severity);
        Assert.Equal("input: saturation at QAT start (empty amax histories)", finding.Title);
        Assert.StartsWith("QAT started at step 0 without a BF16 warmup: 10 % of (layer, step) pairs of the input saturated (amax > amaxPred) "
            + "in the first 20 QAT steps (steps 0-19), against 0 % afterwards, in 4 of 4 layers: the pattern of amax histories that start empty.", finding.Evidence);
        Assert.Equal(HealthyRun.Layers, finding.Layers);
        Assert.Contains("quant.calibrateInWarmup: true", finding.Fix);
    }

    [Fact]
    public void Detect_FewEventsAtQatStart_NoColdStartFinding()
    {
        // One event per layer in the first 20 QAT steps: 5 %, under twice the 5 % warning rate.
        var input = HealthyRun.Input().With(MetricCatalog.SaturationEvent, TensorRoles.Input, HealthyRun.PerLayer((s, _) => s == 3 ? 1f : 0f));
        Assert.Empty(SaturationDetector.Detect(input, DiagnosisThresholds.Default));
    }
}
