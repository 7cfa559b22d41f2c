namespace QuantScope.Data.Tests.Series;

public sealed class MetricSeriesRepositoryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ReadLayerAsync_IndexBeyondStoredLayers_ReturnsOnlyStepsThatHaveIt(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
        [
            TestRuns.Batch(run.Id, layerPoints:
            [
                new(0, MetricCatalog.Scale, TensorRoles.Weight, [1f, 2f]),
                new(1, MetricCatalog.Scale, TensorRoles.Weight, [1f, 2f, 3f]),
            ]),
        ], Ct);
        var series = services.GetRequiredService<MetricSeriesRepository>();

        Assert.Equal([new SeriesPoint(1, 3f)], await series.ReadLayerAsync(run.Id, MetricCatalog.Scale, TensorRoles.Weight, 2, Ct));
        Assert.Empty(await series.ReadLayerAsync(run.Id, MetricCatalog.Scale, TensorRoles.Weight, 3, Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ReadHeatmapAsync_OtherRoleAndRun_AreNotMixedIn(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var runs = services.GetRequiredService<RunRepository>();
        var run = TestRuns.New("a");
        var other = TestRuns.New("b");
        await runs.CreateAsync(run, Ct);
        await runs.CreateAsync(other, Ct);
        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
        [
            TestRuns.Batch(run.Id, layerPoints: [new(4, MetricCatalog.Amax, TensorRoles.Input, [1f]), new(4, MetricCatalog.Amax, TensorRoles.Weight, [2f])]),
            TestRuns.Batch(other.Id, layerPoints: [new(4, MetricCatalog.Amax, TensorRoles.Input, [3f])]),
        ], Ct);

        var heatmap = await services.GetRequiredService<MetricSeriesRepository>().ReadHeatmapAsync(run.Id, MetricCatalog.Amax, TensorRoles.Input, Ct);

        Assert.Equal([4], heatmap.Steps);
        Assert.Equal([1f], heatmap.Values.Single());
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ReadLayerMetricNamesAsync_EveryMetricAndRoleOfTheRunOnly_ScalarsLeftOut(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var runs = services.GetRequiredService<RunRepository>();
        var run = TestRuns.New("a");
        var other = TestRuns.New("b");
        await runs.CreateAsync(run, Ct);
        await runs.CreateAsync(other, Ct);
        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
        [
            TestRuns.Batch(run.Id, scalars: [new(0, MetricCatalog.Loss, 2f)], layerPoints:
            [
                new(0, MetricCatalog.OverflowFraction, TensorRoles.Input, [0f]), new(0, MetricCatalog.Amax, TensorRoles.Weight, [1f]),
                new(1, MetricCatalog.Amax, TensorRoles.Input, [1f]), new(2, MetricCatalog.Amax, TensorRoles.Input, [2f]),
            ]),
            TestRuns.Batch(other.Id, layerPoints: [new(0, MetricCatalog.Kurtosis, TensorRoles.Input, [3f])]),
        ], Ct);
        var series = services.GetRequiredService<MetricSeriesRepository>();

        Assert.Equal(
            [(MetricCatalog.Amax, TensorRoles.Input), (MetricCatalog.Amax, TensorRoles.Weight), (MetricCatalog.OverflowFraction, TensorRoles.Input)],
            await series.ReadLayerMetricNamesAsync(run.Id, Ct));
        Assert.Empty(await series.ReadLayerMetricNamesAsync(Guid.NewGuid(), Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ReadHeatmapAsync_NoPoints_ReturnsEmpty(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();

        var heatmap = await services.GetRequiredService<MetricSeriesRepository>().ReadHeatmapAsync(Guid.NewGuid(), MetricCatalog.Amax, TensorRoles.Input, Ct);

        Assert.Empty(heatmap.Steps);
        Assert.Empty(heatmap.Values);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ReadScalarPointsAsync_WrittenOutOfOrder_ReturnsStepsAscending(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        var writer = services.GetRequiredService<MetricSeriesWriter>();
        await writer.WriteAsync([TestRuns.Batch(run.Id, [new(7, MetricCatalog.Loss, 7f), new(2, MetricCatalog.Loss, 2f)])], Ct);
        await writer.WriteAsync([TestRuns.Batch(run.Id, [new(4, MetricCatalog.Loss, 4f)])], Ct);

        var points = await services.GetRequiredService<MetricSeriesRepository>().ReadScalarPointsAsync(run.Id, Ct);

        Assert.Equal([2, 4, 7], points.Select(p => p.Step));
        Assert.Equal([2f, 4f, 7f], points.Select(p => p.Value));
    }
}
