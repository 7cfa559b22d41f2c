using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

/// <summary>
/// The saturation finding's severity follows what the clipping did: negligible clipping with no loss impact is Info
/// (the demo's healthy run flagged "critical" twice while 0.0 % was clipped); a twin that shows no cost keeps it a
/// Warning; only a loss impact (or, without a twin, clipping that is not negligible) makes a high rate Critical.
/// </summary>
public sealed class SaturationImpactTests
{
    // Half of every layer's QAT steps saturate: the critical rate.
    private static DiagnosisInput Saturating(float clipped, float? apePct)
    {
        var input = HealthyRun.Input()
            .With(MetricCatalog.SaturationEvent, TensorRoles.Input, HealthyRun.PerLayer((s, _) => s % 2))
            .With(MetricCatalog.OverflowFraction, TensorRoles.Input, HealthyRun.PerLayer((s, _) => s % 2 == 1 ? clipped : 0f));
        var steps = Enumerable.Range(0, HealthyRun.Steps).ToArray();
        return apePct is { } ape ? input.With(MetricCatalog.LossApe, new StepSeries(steps, steps.Select(_ => ape).ToArray())) : input;
    }

    private static Finding Detect(DiagnosisInput input) =>
        Assert.Single(SaturationDetector.Detect(input, DiagnosisThresholds.Default), f => f.Evidence.Contains("input saturated", StringComparison.Ordinal));

    [Fact]
    public void Detect_NegligibleClippingNoTwin_InfoThatTheScaleLags()
    {
        var finding = Detect(Saturating(clipped: 2e-6f, apePct: null));
        Assert.Equal(FindingSeverity.Info, finding.Severity);
        Assert.Equal("input: the delayed scale lags in 4 layer(s), with no loss impact", finding.Title);
        Assert.Contains("at most 0.00020 % of elements clipped; no twin to measure a loss impact.", finding.Evidence);
    }

    [Fact]
    public void Detect_NegligibleClippingAndTwinAgrees_Info()
    {
        var finding = Detect(Saturating(clipped: 5e-5f, apePct: 0.11f));
        Assert.Equal(FindingSeverity.Info, finding.Severity);
        Assert.Contains("loss APE against the twin 0.11 % over QAT: no loss impact", finding.Evidence);
    }

    [Fact]
    public void Detect_ClippingTheTwinShowsCostsNothing_WarningNotCritical()
    {
        var finding = Detect(Saturating(clipped: 0.01f, apePct: 0.2f));
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("input amax outruns its delayed scale in 4 layer(s)", finding.Title);
    }

    [Fact]
    public void Detect_HighRateWithLossImpact_Critical()
    {
        var finding = Detect(Saturating(clipped: 1e-6f, apePct: 2.5f)); // even tiny clipping, when the twin shows a cost
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Contains("loss APE against the twin 2.5 % over QAT (at or above 0.5 %: a loss impact)", finding.Evidence);
    }

    [Fact]
    public void Detect_HighRateClippingNotNegligibleNoTwin_Critical() =>
        Assert.Equal(FindingSeverity.Critical, Detect(Saturating(clipped: 0.003f, apePct: null)).Severity);

    [Theory]
    [InlineData(0.17, "17 %")]
    [InlineData(0.017, "1.7 %")]
    [InlineData(0.05, "5.0 %")]
    [InlineData(0.001, "0.1 %")]
    [InlineData(0.00016, "0.016 %")]
    [InlineData(0.000002, "0.00020 %")]
    [InlineData(0.0, "0 %")]
    public void Pct_SmallShares_DigitsEnoughToBeTrue(double fraction, string expected) =>
        Assert.Equal(expected, DiagnosisText.Pct(fraction));
}
