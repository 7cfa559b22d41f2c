using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class HeatmapBucketerTests
{
    private static (int Step, float[] Row)[] Rows(int from, int count, Func<int, int, float> value, int layers = 3) =>
        Enumerable.Range(from, count).Select(s => (s, Enumerable.Range(0, layers).Select(l => value(s, l)).ToArray())).ToArray();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2_000, 1)]
    [InlineData(2_001, 2)]
    [InlineData(10_000, 5)]
    [InlineData(10_001, 6)]
    public void WidthFor_Steps_FitsTheColumnCap(int steps, int width) => Assert.Equal(width, HeatmapBucketer.WidthFor(steps));

    [Fact]
    public void Add_HundredLayersTenThousandSteps_TwoThousandColumnsOfBucketMax()
    {
        var bucketer = HeatmapBucketer.For(MetricCatalog.OverflowFraction, 10_000);
        var columns = bucketer.Add(Rows(0, 10_000, (s, l) => s == 4_321 && l == 7 ? 1f : 0.001f * l, layers: 100));
        Assert.Equal(2_000, columns.Count);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(c => c * 5), columns.Select(c => c.Step));
        Assert.Equal(1f, columns[864].Row[7]); // the one-step spike at 4321 survives in the column of steps 4320..4324
        Assert.Equal(0.007f, columns[863].Row[7]);
        Assert.Empty(bucketer.Flush());
    }

    [Fact]
    public void Add_LiveInPieces_SameColumnsAsAtOnce()
    {
        var rows = Rows(0, 23, (s, l) => (s * 7 + l * 3) % 11);
        var whole = new HeatmapBucketer(4, lowerIsWorse: false);
        var expected = whole.Add(rows).Concat(whole.Flush()).ToList();
        var live = new HeatmapBucketer(4, lowerIsWorse: false);
        var got = new List<(int Step, float[] Row)>();
        foreach (var chunk in rows.Chunk(3)) got.AddRange(live.Add(chunk));
        Assert.Equal(5, got.Count); // steps 20..22 still filling
        got.AddRange(live.Flush());
        Assert.Equal(expected.Select(c => c.Step), got.Select(c => c.Step));
        Assert.Equal(expected.Select(c => c.Row), got.Select(c => c.Row));
        Assert.Equal(6, live.Columns);
    }

    [Fact]
    public void Add_SqnrKeepsTheMin_NaNNeverWins()
    {
        var bucketer = HeatmapBucketer.For(MetricCatalog.SqnrDb, 4_000); // width 2
        var columns = bucketer.Add([(0, [30f, float.NaN, float.NaN]), (1, [20f, 25f, float.NaN])]);
        Assert.Equal([20f, 25f, float.NaN], Assert.Single(columns).Row);
    }

    [Fact]
    public void Add_SparseStepsAndRepeats_LaterBucketClosesTheOpenOne_RepeatsIgnored()
    {
        var bucketer = new HeatmapBucketer(10, lowerIsWorse: false);
        Assert.Empty(bucketer.Add([(0, [1f]), (5, [3f])]));
        var columns = bucketer.Add([(20, [2f]), (5, [9f]), (29, [4f])]);
        Assert.Equal([(0, 3f), (20, 4f)], columns.Select(c => (c.Step, c.Row[0])));
        Assert.Empty(bucketer.Add([(25, [7f])]));
        Assert.Empty(bucketer.Flush());
    }

    [Fact]
    public void Add_WidthOne_EveryRowIsItsOwnColumnAtOnce()
    {
        var bucketer = new HeatmapBucketer(1, lowerIsWorse: false);
        Assert.Equal([3, 4], bucketer.Add(Rows(3, 2, (s, l) => s)).Select(c => c.Step));
        Assert.Empty(bucketer.Flush());
    }

    [Theory]
    [InlineData(null, 1000)] // width unknown: a laptop screen's plot area
    [InlineData(1400, 1070)]
    [InlineData(100, HeatmapBucketer.MinColumns)]
    [InlineData(0, HeatmapBucketer.MinColumns)]
    [InlineData(5000, HeatmapBucketer.MaxColumns)]
    public void ColumnsFor_ViewportWidth_AboutOnePerPlotPixelWithinBounds(int? viewport, int expected) =>
        Assert.Equal(expected, HeatmapBucketer.ColumnsFor(viewport));

    [Fact]
    public void For_TenThousandStepsInALaptopWindow_FitsTheColumnsOfItsPixels()
    {
        var bucketer = HeatmapBucketer.For(MetricCatalog.OverflowFraction, 10_000, HeatmapBucketer.ColumnsFor(1400));
        var columns = bucketer.Add(Rows(0, 10_000, (s, l) => s)).Concat(bucketer.Flush()).ToList();
        Assert.Equal(10, bucketer.Width);
        Assert.Equal(1_000, columns.Count);
        Assert.Equal(9_999f, columns[^1].Row[0]); // each column keeps its bucket's worst (max) step
    }
}
