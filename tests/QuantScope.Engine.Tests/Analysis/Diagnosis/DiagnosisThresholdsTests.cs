using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class DiagnosisThresholdsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors() => Assert.Empty(DiagnosisThresholds.Default.Validate());

    [Fact]
    public void Validate_OutOfRangeFields_OneErrorNamingEach()
    {
        var t = DiagnosisThresholds.Default with
        {
            SaturationRateWarning = 0,
            UnderflowCritical = 1.5,
            HeldOutLossGap = double.NaN,
            SpikeWindow = 1,
            MaxListed = 0,
        };
        var errors = t.Validate().Select(e => $"{e.Field}: {e.Message}").ToList();
        Assert.Equal(6, errors.Count);
        Assert.Contains("SpikeMinHistory: must not exceed SpikeWindow (1)", errors); // the default 10 no longer fits
        Assert.Contains("SaturationRateWarning: must be a fraction in (0, 1], was 0", errors);
        Assert.Contains("UnderflowCritical: must be a fraction in (0, 1], was 1.5", errors);
        Assert.Contains("HeldOutLossGap: must be a positive number, was NaN", errors);
        Assert.Contains("SpikeWindow: must be at least 2, was 1", errors);
        Assert.Contains("MaxListed: must be at least 1, was 0", errors);
    }

    [Fact]
    public void Validate_CriticalBelowWarningAndHistoryLongerThanWindow_NamesBothPairs()
    {
        var t = DiagnosisThresholds.Default with { SaturationRateCritical = 0.01, SpikeMinHistory = 30 };
        Assert.Equal(
            ["SaturationRateCritical: must not be below SaturationRateWarning (0.05)", "SpikeMinHistory: must not exceed SpikeWindow (20)"],
            t.Validate().Select(e => $"{e.Field}: {e.Message}"));
    }

    [Fact]
    public void Validate_TrendMinPointsAboveWindowAndZeroGrowth_NamesBoth()
    {
        var t = DiagnosisThresholds.Default with { TrendWindow = 5, TrendMinGrowth = 0 };
        Assert.Equal(
            ["TrendMinPoints: must not exceed TrendWindow (5)", "TrendMinGrowth: must be a positive number, was 0"],
            t.Validate().Select(e => $"{e.Field}: {e.Message}"));
    }

    [Fact]
    public void Validate_OverwriteBelowRiseAndOneStepEarlyWindow_NamesBoth()
    {
        var t = DiagnosisThresholds.Default with { HeldOutLossOverwrite = 0.1, EarlyQatSteps = 1 };
        Assert.Equal(
            ["EarlyQatSteps: must be at least 2, was 1", "HeldOutLossOverwrite: must not be below HeldOutLossRise (0.2)"],
            t.Validate().Select(e => $"{e.Field}: {e.Message}"));
    }
}
