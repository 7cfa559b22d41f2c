using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class ForgettingDetectorTests
{
    [Fact]
    public void Detect_HeldOutLossAboveTwinEarlyAtHighLr_WarnsWithWarmupAndLrFix()
    {
        var input = HealthyRun.Input().With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [3f, 3.1f, 3.0f]));
        input = input with { Requested = input.Requested! with { LearningRate = 1e-3 } };
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity); // 7.6 % > 5 %, below 10 %
        Assert.Equal([30], finding.Steps);
        Assert.Contains("7.6 %", finding.Evidence);
        Assert.Contains("early in QAT", finding.Evidence);
        Assert.Contains("the LR 0.001 is high", finding.Fix);
        Assert.Contains("without a BF16 warmup", finding.Fix);
        Assert.Contains("500 BF16 steps and 1e-5", finding.Fix);
    }

    [Fact]
    public void Detect_ProbeAccuracyFarBelowTwin_Critical()
    {
        var input = HealthyRun.Input().With(MetricCatalog.ProbeAccuracy, new StepSeries([0, 30, 60], [0.5f, 0.40f, 0.42f]));
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Equal([30, 60], finding.Steps);
        Assert.Equal(MetricCatalog.ProbeAccuracy, finding.Chart.Metric);
    }

    [Fact]
    public void Detect_NoTwinButHeldOutRising_InfoAskingForBaseline()
    {
        var input = HealthyRun.Input().With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [3f, 3.3f, 3.4f]));
        input = input with { Scalars = input.Scalars.Where(s => !s.Key.StartsWith("baseline_", StringComparison.Ordinal)).ToDictionary() };
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Info, finding.Severity);
        Assert.Contains("baseline: true", finding.Fix);
    }

    [Fact]
    public void Detect_RunAndTwinForgetAlikeAtHighLr_CriticalAboutTheTraining()
    {
        // The lr 1e-3 demo: held-out loss 0.456 -> 3.34 in the run and 3.34 in its twin (no gap, a 7x rise).
        var input = HealthyRun.Input()
            .With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [0.456f, 2.1f, 3.341f]))
            .With(MetricCatalog.BaselineHeldOutLoss, new StepSeries([0, 30, 60], [0.456f, 2.1f, 3.344f]));
        input = input with { Requested = input.Requested! with { LearningRate = 1e-3 } };
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Critical, finding.Severity); // +633 % >= 5 x 100 % (HeldOutLossOverwrite)
        Assert.Equal([60], finding.Steps);
        Assert.Contains("3.34 at step 60 (+633 %), the BF16 twin 3.34", finding.Evidence);
        Assert.Contains("the LR 0.001 is high", finding.Fix);
    }

    [Fact]
    public void Detect_RunAndTwinRiseALittle_NothingBelowTheRiseThreshold()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [3f, 3.3f, 3.5f]))
            .With(MetricCatalog.BaselineHeldOutLoss, new StepSeries([0, 30, 60], [3f, 3.3f, 3.5f]));
        Assert.Empty(ForgettingDetector.Detect(input, DiagnosisThresholds.Default)); // +16.7 % < 20 %
    }

    [Fact]
    public void Detect_RunAndTwinRiseAlikeBelowDoubling_InfoAboutTheFineTuning()
    {
        // Measured on the demo model: new-domain fine-tuning at LR 3e-5 raised the held-out pretraining loss from
        // 0.508 to 0.772 in the run and its twin alike and cost both ~9 probe points: the data's doing, not the format's.
        var input = HealthyRun.Input()
            .With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [0.508f, 0.7f, 0.772f]))
            .With(MetricCatalog.BaselineHeldOutLoss, new StepSeries([0, 30, 60], [0.508f, 0.7f, 0.772f]))
            .With(MetricCatalog.ProbeAccuracy, new StepSeries([0, 30, 60], [0.75f, 0.7f, 0.66f]))
            .With(MetricCatalog.BaselineProbeAccuracy, new StepSeries([0, 30, 60], [0.75f, 0.7f, 0.66f]));
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Info, finding.Severity); // +52 %: above the 20 % rise, below the doubling
        Assert.Equal("Held-out loss rose in the run and its BF16 twin alike: the fine-tuning, not the format", finding.Title);
        Assert.Contains("held-out loss 0.508 at QAT start, 0.772 at step 60 (+52 %), the BF16 twin 0.772; probe accuracy down 9 points since QAT began", finding.Evidence);
        Assert.Equal([60], finding.Steps);
        Assert.StartsWith("Nothing to fix in the format.", finding.Fix);
    }

    [Fact]
    public void Detect_RunAndTwinMoreThanDoubleAlike_WarningAboutTheTraining()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [0.5f, 1.0f, 1.25f]))
            .With(MetricCatalog.BaselineHeldOutLoss, new StepSeries([0, 30, 60], [0.5f, 1.0f, 1.25f]))
            .With(MetricCatalog.ProbeAccuracy, new StepSeries([0, 30, 60], [0.5f, 0.45f, 0.40f]))
            .With(MetricCatalog.BaselineProbeAccuracy, new StepSeries([0, 30, 60], [0.5f, 0.45f, 0.40f]));
        input = input with { Requested = input.Requested! with { LearningRate = 1e-3 } };
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity); // +150 %: doubled, below 5 x 100 %
        Assert.Equal("The run forgets its pretraining, and so does its BF16 twin", finding.Title);
        Assert.Contains("(+150 %), the BF16 twin 1.25; probe accuracy down 10 points since QAT began", finding.Evidence);
        Assert.Contains("the LR 0.001 is high", finding.Fix);
    }

    [Fact]
    public void Detect_RunAndTwinLoseProbesAlikeWithoutARise_Nothing()
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.ProbeAccuracy, new StepSeries([0, 30, 60], [0.5f, 0.44f, 0.47f]))
            .With(MetricCatalog.BaselineProbeAccuracy, new StepSeries([0, 30, 60], [0.5f, 0.44f, 0.47f]));
        Assert.Empty(ForgettingDetector.Detect(input, DiagnosisThresholds.Default)); // no gap to the twin, held-out loss did not rise
    }

    [Fact]
    public void Detect_RunAndTwinRiseAlikeBelowDoublingAtHighLr_WarningAboutTheLr()
    {
        // A barely pretrained model (held-out 2.43) at LR 1e-2 cannot double its loss, but the high LR is the cause.
        var input = HealthyRun.Input()
            .With(MetricCatalog.HeldOutLoss, new StepSeries([0, 30, 60], [2.43f, 4.0f, 4.49f]))
            .With(MetricCatalog.BaselineHeldOutLoss, new StepSeries([0, 30, 60], [2.43f, 4.0f, 4.49f]));
        input = input with { Requested = input.Requested! with { LearningRate = 1e-2 } };
        var finding = Assert.Single(ForgettingDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity); // +85 % < 100 %, LR 0.01 >= 1e-4
        Assert.Equal("The run forgets its pretraining, and so does its BF16 twin", finding.Title);
        Assert.Contains("the LR 0.01 is high", finding.Fix);
    }
}
