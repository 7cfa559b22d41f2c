using QuantScope.Engine.Model;
using QuantScope.Bench.Diagnostics;
using QuantScope.Bench.Shared;

namespace QuantScope.Bench.Tests.Diagnostics;

/// <summary>The pure math of the diagnostics cost bench: no trainer runs, no wall time asserted.</summary>
public sealed class DiagnosticsBenchTests
{
    // Variants: off, stats every step, stats every 10, error split every step, stats every 2 (paired), all statistics.
    private static readonly double[] Off = [100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
    private static readonly double[] Every1 = [110, 110, 110, 110, 110, 110, 110, 110, 110, 110];
    private static readonly double[] Every10 = [100, 100, 100, 100, 100, 100, 100, 100, 100, 110]; // step 10 pays
    private static readonly double[] Split = [150, 150, 150, 150, 150, 150, 150, 150, 150, 150];
    private static readonly double[] Every2 = [100, 104, 100, 104, 100, 104, 100, 104, 100, 104]; // steps 2, 4, ... pay
    private static readonly double[] All = [112, 112, 112, 112, 112, 112, 112, 112, 112, 112];

    [Fact]
    public void Rows_EveryStepAndSplit_RatiosOfMedians()
    {
        double[] noisyOff = [100, 100, 100, 100, 100, 100, 100, 100, 100, 1000]; // an outlier moves the mean, not the median
        var rows = DiagnosticsBench.Rows("small", [noisyOff, Every1, Every10, Split, Every2, All]);

        Assert.Equal(DiagnosticsBench.Variants.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal("small", r.Model));
        Assert.All(rows, r => Assert.Equal(10, r.Steps));
        Assert.Equal(1.0, rows[0].Ratio);
        Assert.Equal(1.1, rows[1].Ratio, 12);
        Assert.Equal(1.5, rows[3].Ratio, 12);
        Assert.False(rows[1].RatioOfMeans);
        Assert.False(rows[3].RatioOfMeans);
        Assert.Equal(190, rows[0].MeanMillis, 12);
        Assert.Equal(100, rows[0].MedianMillis);
    }

    [Fact]
    public void Rows_Every10_RatioOfMeansBecauseTheMedianHidesTheCost()
    {
        var rows = DiagnosticsBench.Rows("demo", [Off, Every1, Every10, Split, Every2, All]);
        var every10 = rows[2];

        Assert.Equal(100, every10.MedianMillis); // nine steps in ten pay nothing
        Assert.Equal(101, every10.MeanMillis, 12);
        Assert.True(every10.RatioOfMeans);
        Assert.Equal(1.01, every10.Ratio, 12); // mean / off mean, not 100 / 100
        Assert.Equal(1.01, every10.Expected!.Value, 12); // 1 + (1.1 - 1) / 10
        Assert.All(rows.Where(r => r != every10), r => Assert.Null(r.Expected));
    }

    [Fact]
    public void Rows_Every2_PairedWithItsNeighbours()
    {
        var rows = DiagnosticsBench.Rows("demo", [Off, Every1, Every10, Split, Every2, All]);

        Assert.True(rows[4].Paired);
        Assert.False(rows[4].RatioOfMeans);
        Assert.Equal(1.04, rows[4].Ratio, 12);
        Assert.All(rows.Take(4), r => Assert.False(r.Paired));
    }

    [Fact]
    public void AllStatistics_EveryStepWithTheGradWatched_OthersLeaveItOff()
    {
        var rows = DiagnosticsBench.Rows("small", [Off, Every1, Every10, Split, Every2, All]);
        Assert.Equal(1.12, rows[5].Ratio, 12);
        Assert.Equal(DiagnosticsBench.AllStatistics, rows[5].Variant);
        Assert.True(DiagnosticsBench.Variants[5].Stats is { Every: 1, Grad: true });
        Assert.All(DiagnosticsBench.Variants.Take(5), v => Assert.False(v.Stats.Grad));
        Assert.Equal(1.10, BenchTargets.Diagnostics("small", DiagnosticsBench.AllStatistics)!.Limit);
        Assert.Equal(1.05, BenchTargets.Diagnostics("small", "stats every step")!.Limit);
    }

    [Fact]
    public void PairedRatio_LoadDriftHitsBothSides()
    {
        // The machine gets twice as slow half-way: each stats step still costs 10 % over its neighbours.
        double[] drifting = [100, 110, 100, 110, 100, 220, 200, 220, 200];
        Assert.Equal(1.1, DiagnosticsBench.PairedRatio(drifting), 12);
        Assert.Throws<ArgumentException>(() => DiagnosticsBench.PairedRatio([100, 110]));
    }

    [Fact]
    public void Rows_Every10_BothSidesAreMeans()
    {
        double[] skewedOff = [100, 100, 100, 100, 100, 100, 100, 100, 100, 200]; // mean 110, median 100
        var rows = DiagnosticsBench.Rows("demo", [skewedOff, Every1, Every10, Split, Every2, All]);

        Assert.Equal(101.0 / 110, rows[2].Ratio, 12);
    }

    [Fact]
    public void Rows_EmptySamples_Throws() =>
        Assert.Throws<ArgumentException>(() => DiagnosticsBench.Rows("demo", [[], Every1, Every10, Split, Every2, All]));

    [Fact]
    public void Rows_UnequalTurns_Throws() =>
        Assert.Throws<ArgumentException>(() => DiagnosticsBench.Rows("demo", [Off[..9], Every1, Every10, Split, Every2, All]));

    [Fact]
    public void Cycle_IsTheLongestPeriodSoTimedStepsHoldWholePeriods()
    {
        Assert.Equal(10, DiagnosticsBench.Cycle);
        Assert.All(BenchPlan.Quick.DiagnosticsModels.Concat(BenchPlan.Full.DiagnosticsModels),
            m => Assert.Equal(0, m.StepsPerRound % DiagnosticsBench.Cycle));
    }

    [Fact]
    public void Config_Fp8WithTheVariantsStatsAndOneWarmupStep()
    {
        var config = DiagnosticsBench.Config("small", 2, 10);
        Assert.Equal(ModelConfig.Small, config.Model);
        Assert.Equal("fp8-delayed", config.Quant?.Preset);
        Assert.False(config.Baseline);
        Assert.Equal(11, config.Steps);
        Assert.Equal(10, config.Stats.Every);
        Assert.Equal(0, config.Stats.ErrorSplitEvery);
        Assert.Equal(1, DiagnosticsBench.Config("demo", 3, 10).Stats.ErrorSplitEvery);
        Assert.Equal(0, DiagnosticsBench.Config("demo", 0, 10).Stats.Every);
    }
}
