using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class HeatmapViewTests
{
    // Per-layer points of two layers for steps [from, to): overflow and SQNR (input), a weight-role overflow too.
    private static List<LayerPoint> Points(int from, int to) =>
    [
        .. Enumerable.Range(from, to - from).SelectMany(s => new[]
        {
            new LayerPoint(s, MetricCatalog.OverflowFraction, TensorRoles.Input, [(s * 7 % 13) / 13f, (s * 5 % 11) / 11f]),
            new LayerPoint(s, MetricCatalog.SqnrDb, TensorRoles.Input, [20f + s * 3 % 7, 30f - s % 5]),
            new LayerPoint(s, MetricCatalog.OverflowFraction, TensorRoles.Weight, [1f, 1f]),
        }),
    ];

    private static List<(int Step, float[] Row)> Live(HeatmapView view, IEnumerable<LayerPoint[]> batches, bool ended)
    {
        var columns = view.Initial.ToList();
        foreach (var batch in batches) columns.AddRange(view.Add(batch, ended));
        return columns;
    }

    [Theory]
    [InlineData(MetricCatalog.OverflowFraction, TensorRoles.Input)]
    [InlineData(MetricCatalog.SqnrDb, TensorRoles.Input)]
    [InlineData(MetricCatalog.OverflowFraction, TensorRoles.Weight)]
    public void Add_BatchByBatch_SameColumnsAsARebuildFromAllPoints(string metric, string role)
    {
        var view = new HeatmapView();
        view.Pick(metric, role);
        var history = Points(0, 1_500);
        view.Rebuild(history, ended: false, plannedSteps: 9_000, viewportWidth: null); // 5 steps per column
        Assert.Equal(5, view.StepsPerColumn);

        var live = Live(view, Points(1_500, 4_003).Chunk(37), ended: false);

        var all = Points(0, 4_003);
        var rebuilt = HeatmapBucketer.For(metric, 9_000).Add(ChartData.Rows(all, metric, role));
        Assert.Equal(rebuilt.Select(c => c.Step), live.Select(c => c.Step));
        Assert.Equal(rebuilt.Select(c => c.Row), live.Select(c => c.Row));
        Assert.Equal(800, live.Count); // steps 4000..4002 still filling
    }

    [Fact]
    public void Add_RunEnded_FlushesTheFillingBucket()
    {
        var view = new HeatmapView();
        view.Rebuild(Points(0, 12), ended: false, plannedSteps: 6_000, viewportWidth: null); // 3 steps per column
        var live = Live(view, [[.. Points(12, 14)]], ended: true);

        var bucketer = HeatmapBucketer.For(MetricCatalog.OverflowFraction, 6_000);
        var rebuilt = bucketer.Add(ChartData.Rows(Points(0, 14), MetricCatalog.OverflowFraction, TensorRoles.Input)).Concat(bucketer.Flush()).ToList();
        Assert.Equal(rebuilt.Select(c => c.Step), live.Select(c => c.Step));
        Assert.Equal(rebuilt.Select(c => c.Row), live.Select(c => c.Row));
        Assert.Equal(12, live[^1].Step);
    }

    [Fact]
    public void Rebuild_EndedRun_ColumnsForTheViewportWidth()
    {
        var view = new HeatmapView();
        view.Rebuild(Points(0, 3_000), ended: true, plannedSteps: 0, viewportWidth: 930); // 600 columns of plot area

        Assert.Equal(HeatmapBucketer.WidthFor(3_000, HeatmapBucketer.ColumnsFor(930)), view.StepsPerColumn);
        Assert.Equal(600, view.Initial.Count);
        Assert.False(view.Overflowed);
    }

    [Fact]
    public void Add_PastTheColumnCap_Overflowed()
    {
        var view = new HeatmapView();
        view.Rebuild([], ended: false, plannedSteps: 0, viewportWidth: null); // nothing seen: one step per column

        view.Add(Points(0, HeatmapBucketer.MaxColumns), ended: false);
        Assert.False(view.Overflowed);
        view.Add(Points(HeatmapBucketer.MaxColumns, HeatmapBucketer.MaxColumns + 1), ended: false);
        Assert.True(view.Overflowed);
    }
}
