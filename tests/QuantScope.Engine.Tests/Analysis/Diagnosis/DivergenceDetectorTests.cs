using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class DivergenceDetectorTests
{
    private static StepSeries Flat(params int[] spikes) =>
        new(Enumerable.Range(0, 60).ToArray(), Enumerable.Range(0, 60).Select(s => spikes.Contains(s) ? 6f : 2f + (s % 3) * 0.01f).ToArray());

    [Fact]
    public void Detect_OneSpikeTheTwinDoesNotShare_WarnsAtThatStep()
    {
        var input = HealthyRun.Input().With(MetricCatalog.Loss, Flat(40)).With(MetricCatalog.BaselineLoss, Flat());
        var finding = Assert.Single(DivergenceDetector.Detect(input, DiagnosisThresholds.Default));
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal([40], finding.Steps);
        Assert.Contains("twin spiked at 0 of these", finding.Evidence);
    }

    [Fact]
    public void Detect_SpikesSharedWithTwin_OnlyInfo()
    {
        var input = HealthyRun.Input().With(MetricCatalog.Loss, Flat(25, 45)).With(MetricCatalog.BaselineLoss, Flat(25, 45));
        Assert.Equal(FindingSeverity.Info, Assert.Single(DivergenceDetector.Detect(input, DiagnosisThresholds.Default)).Severity);
    }

    [Fact]
    public void Detect_ThreeOwnSpikes_Critical() =>
        Assert.Equal(FindingSeverity.Critical, Assert.Single(DivergenceDetector.Detect(
            HealthyRun.Input().With(MetricCatalog.Loss, Flat(20, 35, 50)).With(MetricCatalog.BaselineLoss, Flat()), DiagnosisThresholds.Default)).Severity);

    [Fact]
    public void Detect_NonFiniteLoss_Critical()
    {
        var loss = Flat();
        loss.Values[33] = float.PositiveInfinity;
        var finding = DivergenceDetector.Detect(HealthyRun.Input().With(MetricCatalog.Loss, loss), DiagnosisThresholds.Default).First();
        Assert.Equal((FindingSeverity.Critical, 33), (finding.Severity, finding.Steps[0]));
    }
}
