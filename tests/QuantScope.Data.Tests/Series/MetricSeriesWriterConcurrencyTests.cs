namespace QuantScope.Data.Tests.Series;

/// <summary>Flushes that run at the same time, as several ingest connections or servers would send them.</summary>
public sealed class MetricSeriesWriterConcurrencyTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const int Writers = 8;

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteMergedAsync_ConcurrentFlushesOfOneNewSeries_NoLayerOrStepLost(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        run.Kind = RunKinds.External;
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        var writer = services.GetRequiredService<MetricSeriesWriter>();

        // Every writer creates the same two series on first use and fills one slot of the same step-0 row.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(() => writer.WriteMergedAsync(
            [TestRuns.Batch(run.Id, [new(i, MetricCatalog.Loss, i)], [new(0, MetricCatalog.Amax, TensorRoles.Input, OneSlot(i))])], Ct))));

        var series = services.GetRequiredService<MetricSeriesRepository>();
        var heatmap = await series.ReadHeatmapAsync(run.Id, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([0], heatmap.Steps);
        Assert.Equal(Enumerable.Range(0, Writers).Select(i => (float)i), heatmap.Values[0]);
        Assert.Equal(Enumerable.Range(0, Writers), (await series.ReadScalarAsync(run.Id, MetricCatalog.Loss, Ct)).Select(p => p.Step));
        Assert.Equal(Writers - 1, (await services.GetRequiredService<RunRepository>().GetAsync(run.Id, Ct))!.LastStep);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_ConcurrentFlushesNamingTwoRunsInOppositeOrder_AllCommitted(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var runs = services.GetRequiredService<RunRepository>();
        var (a, b) = (TestRuns.New("a"), TestRuns.New("b"));
        await runs.CreateAsync(a, Ct);
        await runs.CreateAsync(b, Ct);
        var writer = services.GetRequiredService<MetricSeriesWriter>();

        // Run locks are taken in key order whatever the batch order, so these cannot deadlock each other.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(() => writer.WriteAsync(i % 2 == 0
            ? [TestRuns.Batch(a.Id, [new(i, MetricCatalog.Loss, i)]), TestRuns.Batch(b.Id, [new(i, MetricCatalog.Loss, i)])]
            : [TestRuns.Batch(b.Id, [new(i, MetricCatalog.Loss, i)]), TestRuns.Batch(a.Id, [new(i, MetricCatalog.Loss, i)])], Ct))));

        var series = services.GetRequiredService<MetricSeriesRepository>();
        foreach (var run in new[] { a, b })
            Assert.Equal(Enumerable.Range(0, Writers), (await series.ReadScalarAsync(run.Id, MetricCatalog.Loss, Ct)).Select(p => p.Step));
    }

    private static float[] OneSlot(int index)
    {
        var values = Enumerable.Repeat(float.NaN, Writers).ToArray();
        values[index] = index;
        return values;
    }
}
