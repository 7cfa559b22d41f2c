using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

public class TrendTests
{
    [Fact]
    public void MannKendall_StrictlyRising_SIsAllPairsAndZFromTheVariance()
    {
        // n = 5: S = 10 pairs, Var = 5·4·15/18 = 16.667, Z = (10 - 1) / √16.667 = 2.2045.
        var (s, z) = Trend.MannKendall([1, 2, 3, 4, 5]);
        Assert.Equal(10, s);
        Assert.Equal(9 / Math.Sqrt(5 * 4 * 15 / 18.0), z, 12);
    }

    [Fact]
    public void MannKendall_FallingWithOneTie_NegativeS()
    {
        // pairs of [3, 1, 1, 0]: (3,1) -1, (3,1) -1, (3,0) -1, (1,1) 0, (1,0) -1, (1,0) -1 → S = -5; Var = 4·3·13/18.
        var (s, z) = Trend.MannKendall([3, 1, 1, 0]);
        Assert.Equal(-5, s);
        Assert.Equal(-4 / Math.Sqrt(4 * 3 * 13 / 18.0), z, 12);
    }

    [Fact]
    public void MannKendall_TwoPoints_ZeroZ() => Assert.Equal((1, 0.0), Trend.MannKendall([1, 2]));

    [Fact]
    public void TheilSen_LineWithOneSpike_SlopeAndStartOfTheLine()
    {
        // y = 2 + 0.5·(x - 10) at x = 10, 12, ..., 20 except one spike: the median ignores it.
        double[] x = [10, 12, 14, 16, 18, 20];
        var y = x.Select(v => 2 + 0.5 * (v - 10)).ToArray();
        y[3] = 100;
        var (slope, start) = Trend.TheilSen(x, y);
        Assert.Equal(0.5, slope, 12);
        Assert.Equal(2, start, 12);
    }

    [Fact]
    public void TheilSen_AllAtOneX_NaN()
    {
        var (slope, start) = Trend.TheilSen([3, 3], [1, 2]);
        Assert.True(double.IsNaN(slope) && double.IsNaN(start));
    }
}
