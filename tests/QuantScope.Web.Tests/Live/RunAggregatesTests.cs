using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

public sealed class RunAggregatesTests
{
    private static readonly string[] Layers = ["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"];

    private static LayerPoint Point(int step, string metric, float value, string role = TensorRoles.Input) =>
        new(step, metric, role, [value, value * 2]);

    [Fact]
    public void Add_InBatches_SeriesAndTableEqualARebuildFromAllPoints()
    {
        var scalars = new List<ScalarPoint>();
        var layerPoints = new List<LayerPoint>();
        for (var s = 0; s < 30; s++)
        {
            scalars.Add(new ScalarPoint(s, MetricCatalog.Loss, 10f - s / 10f));
            scalars.Add(new ScalarPoint(s, MetricCatalog.Tokens, 512 * (s + 1)));
            scalars.Add(new ScalarPoint(s, MetricCatalog.LearningRate, 1e-3f));
            if (s % 10 == 0) scalars.Add(new ScalarPoint(s, MetricCatalog.HeldOutLoss, 3f + s));
            if (s % 10 == 0) scalars.Add(new ScalarPoint(s, MetricCatalog.BaselineHeldOutLoss, 2f + s));
            if (s % 7 == 0) scalars.Add(new ScalarPoint(s, MetricCatalog.OutlierPrefix + Layers[0] + ".0.absmax", s));
            layerPoints.Add(Point(s, MetricCatalog.Amax, s));
            layerPoints.Add(Point(s, MetricCatalog.OverflowFraction, s / 100f));
            layerPoints.Add(Point(s, MetricCatalog.Amax, -s, TensorRoles.Weight)); // another role: not in the table
            if (s < 20) layerPoints.Add(Point(s, MetricCatalog.AmaxPred, s + 0.5f)); // stops early: its latest is step 19
        }
        // History (the first 40 of each), then live batches of 7 scalars and 5 layer points.
        var aggregates = new RunAggregates();
        aggregates.Add(scalars.Take(40), layerPoints.Take(40));
        var liveScalars = scalars.Skip(40).Chunk(7).ToList();
        var liveLayers = layerPoints.Skip(40).Chunk(5).ToList();
        for (var i = 0; i < Math.Max(liveScalars.Count, liveLayers.Count); i++)
            aggregates.Add(i < liveScalars.Count ? liveScalars[i] : [], i < liveLayers.Count ? liveLayers[i] : []);

        Assert.Equal(ChartData.Scalar(scalars, MetricCatalog.Loss), aggregates.Loss());
        Assert.Equal(
            [ChartData.Scalar(scalars, MetricCatalog.HeldOutLoss), ChartData.Scalar(scalars, MetricCatalog.BaselineHeldOutLoss)],
            aggregates.Eval());
        Assert.Equal(scalars.Where(p => p.Metric.StartsWith(MetricCatalog.OutlierPrefix, StringComparison.Ordinal)), aggregates.OutlierScalars);
        Assert.Equal(512 * 30, aggregates.TokensAt(29));
        Assert.Equal(layerPoints, aggregates.LayerPoints);
        var table = aggregates.Summary(Layers);
        var amax = ChartData.Latest(layerPoints, MetricCatalog.Amax, TensorRoles.Input, Layers.Length);
        var pred = ChartData.Latest(layerPoints, MetricCatalog.AmaxPred, TensorRoles.Input, Layers.Length);
        var sat = ChartData.Latest(layerPoints, MetricCatalog.OverflowFraction, TensorRoles.Input, Layers.Length);
        Assert.Equal(Layers.Select((l, i) => new LayerSummary(l, amax[i], pred[i], sat[i])), table);
        Assert.Equal(19.5f, table[0].AmaxPred);
    }

    [Fact]
    public void Add_ScalarsOutOfStepOrder_SeriesSortedLikeARebuild()
    {
        ScalarPoint[] points =
        [
            new(5, MetricCatalog.HeldOutLoss, 1), new(0, MetricCatalog.HeldOutLoss, 2), new(5, MetricCatalog.HeldOutLoss, 3),
            new(3, MetricCatalog.HeldOutLoss, 4), new(2, MetricCatalog.BaselineHeldOutLoss, 5), new(1, MetricCatalog.BaselineHeldOutLoss, 6),
            new(4, MetricCatalog.Loss, 7), new(1, MetricCatalog.Loss, 8),
        ];
        var aggregates = new RunAggregates();
        aggregates.Add(points.Take(3), []);
        aggregates.Add(points.Skip(3), []);

        var eval = aggregates.Eval();
        Assert.Equal(ChartData.Scalar(points, MetricCatalog.HeldOutLoss), eval[0]);
        Assert.Equal(ChartData.Scalar(points, MetricCatalog.BaselineHeldOutLoss), eval[1]);
        Assert.Equal(ChartData.Scalar(points, MetricCatalog.Loss), aggregates.Loss());
    }

    [Fact]
    public void Add_Scalars_KeepsOutliersAndTokensOnly()
    {
        var outlier = new ScalarPoint(3, MetricCatalog.OutlierPrefix + Layers[1] + ".0.channel", 17);
        var aggregates = new RunAggregates();
        aggregates.Add([new ScalarPoint(3, MetricCatalog.LearningRate, 1e-3f), outlier, new ScalarPoint(3, MetricCatalog.Tokens, 4096)], []);

        Assert.Equal([outlier], aggregates.OutlierScalars);
        Assert.Equal(4096, aggregates.TokensAt(3));
        Assert.Null(aggregates.TokensAt(4));
        Assert.Empty(aggregates.Loss());
    }

    [Fact]
    public void Summary_NoPoints_NaNRowsPerLayer()
    {
        var table = new RunAggregates().Summary(Layers);
        Assert.Equal(Layers, table.Select(r => r.Layer));
        Assert.All(table, r => Assert.True(float.IsNaN(r.Amax) && float.IsNaN(r.AmaxPred) && float.IsNaN(r.Saturation)));
    }

    [Fact]
    public void Scalars_EveryOneButTheOutliersIsKeptInStepOrder()
    {
        var aggregates = new RunAggregates();
        aggregates.Add(
        [
            new ScalarPoint(2, MetricCatalog.LearningRate, 3e-4f),
            new ScalarPoint(0, MetricCatalog.LearningRate, 1e-4f),
            new ScalarPoint(1, "task.facts.acc", 0.5f),
            new ScalarPoint(0, MetricCatalog.OutlierPrefix + Layers[0] + ".0.absmax", 9f),
            new ScalarPoint(0, MetricCatalog.Loss, 5f),
        ], []);
        aggregates.Add([new ScalarPoint(1, MetricCatalog.LearningRate, 2e-4f)], []);

        Assert.Equal([MetricCatalog.Loss, MetricCatalog.LearningRate, "task.facts.acc"], aggregates.ScalarNames.Order(StringComparer.Ordinal)); // "loss" < "lr"
        Assert.Equal([(0, 1e-4f), (1, 2e-4f), (2, 3e-4f)], aggregates.Scalar(MetricCatalog.LearningRate));
        Assert.Equal([(1, 0.5f)], aggregates.Scalar("task.facts.acc"));
        Assert.Empty(aggregates.Scalar("never"));
        Assert.Single(aggregates.OutlierScalars);
    }

    [Fact]
    public void RecordedRoles_IncludeImportedVariants()
    {
        var aggregates = new RunAggregates();
        aggregates.Add([], [Point(0, MetricCatalog.Amax, 1f), Point(0, MetricCatalog.ScaleInvMin, 2f, "input-columnwise")]);
        Assert.Equal([TensorRoles.Input, "input-columnwise"], aggregates.RecordedRoles.Order(StringComparer.Ordinal));
        Assert.Equal([MetricCatalog.ScaleInvMin], aggregates.Recorded("input-columnwise"));
    }
}
