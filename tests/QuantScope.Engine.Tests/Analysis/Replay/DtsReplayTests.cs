using QuantScope.Engine.Analysis.Replay;

namespace QuantScope.Engine.Tests.Analysis.Replay;

public class DtsReplayTests
{
    private static bool?[] Events(ReplayResult r) => r.Points.Select(p => p.Saturated).ToArray();

    [Fact]
    public void Run_MaxOverTwoSteps_SaturatesOnlyWhenAmaxBeatsBothPreviousSteps()
    {
        // H=2 max: predictions 4 (seed), 4, 4, 2, 2.
        var r = DtsReplay.Run([4f, 1f, 2f, 1f, 3f], new ReplaySettings { HistoryLength = 2 });
        Assert.Equal([4f, 4f, 4f, 2f, 2f], r.Points.Select(p => p.AmaxPred));
        Assert.Equal([false, false, false, false, true], Events(r));
        Assert.Equal(224f, r.Points[4].Scale); // 448 / 2
        Assert.Equal((1, 5, 0.2), (r.Events, r.Measured, r.SaturationRate));
    }

    [Fact]
    public void Run_MostRecent_SaturatesOnEveryRise()
    {
        var r = DtsReplay.Run([4f, 1f, 2f, 1f, 3f], new ReplaySettings { HistoryLength = 2, Algorithm = AmaxAlgorithm.MostRecent });
        Assert.Equal([4f, 4f, 1f, 2f, 1f], r.Points.Select(p => p.AmaxPred));
        Assert.Equal([false, false, true, false, true], Events(r));
        Assert.Equal(3.0, r.Points[4].ClipRatio);
        Assert.Equal(2.0 / 3.0, r.Points[4].ExpectedOverflow, 12);
        Assert.Equal(0.0, r.Points[3].ExpectedOverflow);
    }

    [Fact]
    public void Run_MarginOne_HalvesScaleAndClipRatioButNotTheEventDefinition()
    {
        var r = DtsReplay.Run([4f, 1f, 2f, 1f, 3f], new ReplaySettings { HistoryLength = 2, Algorithm = AmaxAlgorithm.MostRecent, Margin = 1 });
        Assert.Equal([false, false, true, false, true], Events(r));
        Assert.Equal(224f, r.Points[2].Scale); // 448 / 1 / 2
        Assert.Equal(1.0, r.Points[2].ClipRatio); // 2 / (1 · 2): exactly at the edge, nothing clips
        Assert.Equal(0.0, r.Points[2].ExpectedOverflow);
        Assert.Equal(1.5, r.Points[4].ClipRatio);
        Assert.Equal(1.0 / 3.0, r.Points[4].ExpectedOverflow, 12);
    }

    [Fact]
    public void Run_NaNAmax_IsAGapSkippedByTheHistory()
    {
        var r = DtsReplay.Run([4f, float.NaN, 1f, 2f], new ReplaySettings { HistoryLength = 2 });
        Assert.Null(r.Points[1].Saturated);
        Assert.True(float.IsNaN(r.Points[1].AmaxPred));
        Assert.Equal([4f, 4f], new[] { r.Points[2].AmaxPred, r.Points[3].AmaxPred }); // history [1, 4]: the gap did not push 4 out
        Assert.Equal((0, 3), (r.Events, r.Measured));
    }

    [Fact]
    public void Run_UpdatePeriodTwo_HoldsPredictionBetweenUpdates()
    {
        var period2 = DtsReplay.Run([1f, 2f, 3f, 4f, 5f], new ReplaySettings { HistoryLength = 1, UpdatePeriod = 2 });
        Assert.Equal([1f, 1f, 2f, 2f, 4f], period2.Points.Select(p => p.AmaxPred));
        Assert.Equal([false, true, true, true, true], Events(period2));
        var period1 = DtsReplay.Run([1f, 2f, 3f, 4f, 5f], new ReplaySettings { HistoryLength = 1 });
        Assert.Equal([1f, 1f, 2f, 3f, 4f], period1.Points.Select(p => p.AmaxPred));
    }

    [Fact]
    public void Run_SeedStepAfterWarmup_IgnoresWarmupAndSeedsWithOwnAmax()
    {
        var r = DtsReplay.Run([0, 1, 2, 3], [9f, 9f, 1f, 2f], new ReplaySettings { HistoryLength = 4 }, seedStep: 2);
        Assert.Equal([null, null, false, true], Events(r));
        Assert.Equal(1f, r.Points[2].AmaxPred);
        Assert.Equal((1, 2), (r.Events, r.Measured));
    }

    [Fact]
    public void Run_DoubleSeries_MatchesFloatSeries()
    {
        var d = DtsReplay.Run(new double[] { 4, 1, 2, 1, 3 }, new ReplaySettings { HistoryLength = 2 });
        Assert.Equal(1, d.Events);
        Assert.Throws<ArgumentException>(() => DtsReplay.Run([1f], new ReplaySettings { HistoryLength = 0 }));
    }

    [Fact]
    public void Run_NothingMeasured_RateIsNaN()
    {
        var r = DtsReplay.Run([float.NaN, float.NaN], new ReplaySettings());
        Assert.True(double.IsNaN(r.SaturationRate));
        Assert.Equal(0, r.MaxClipRatio);
    }
}
