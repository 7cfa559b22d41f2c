namespace QuantScope.Data.Tests.Series;

public sealed class MetricSeriesWriterTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly float NaNWithPayload = BitConverter.Int32BitsToSingle(0x7FC0_0123);

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_TwoFlushesThenRestart_SeriesRoundTripExactly(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var first = await temp.OpenAsync();
        var runs = first.GetRequiredService<RunRepository>();
        var writer = first.GetRequiredService<MetricSeriesWriter>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);
        await runs.SetLayersAsync(run.Id, TestRuns.Layers, Ct);

        await writer.WriteAsync(
        [
            TestRuns.Batch(run.Id,
                [new(0, MetricCatalog.Loss, 4.25f), new(0, MetricCatalog.LearningRate, 1e-4f), new(1, MetricCatalog.Loss, 3.875f)],
                [new(0, MetricCatalog.OverflowFraction, TensorRoles.Input, [0f, 0.5f, NaNWithPayload]),
                 new(1, MetricCatalog.OverflowFraction, TensorRoles.Input, [0.125f, float.PositiveInfinity, -0f])]),
        ], Ct);
        await writer.WriteAsync(
        [
            TestRuns.Batch(run.Id,
                [new(2, MetricCatalog.Loss, float.NaN)],
                [new(2, MetricCatalog.OverflowFraction, TensorRoles.Input, [1f, float.NegativeInfinity, 1.401298E-45f]),
                 new(2, MetricCatalog.Amax, TensorRoles.Weight, [448f, 57344f, 3.5f])]),
        ], Ct);
        await temp.CloseAsync(first);

        var second = await temp.OpenAsync();
        var series = second.GetRequiredService<MetricSeriesRepository>();
        var reloaded = await second.GetRequiredService<RunRepository>().GetAsync(run.Id, Ct);

        Assert.NotNull(reloaded);
        Assert.Equal(TestRuns.Layers, reloaded.GetLayers());
        Assert.Equal(2, reloaded.LastStep);

        var loss = await series.ReadScalarAsync(run.Id, MetricCatalog.Loss, Ct);
        Assert.Equal([0, 1, 2], loss.Select(p => p.Step));
        Assert.Equal(4.25f, loss[0].Value);
        Assert.Equal(3.875f, loss[1].Value);
        Assert.True(float.IsNaN(loss[2].Value));
        Assert.Equal([new SeriesPoint(0, 1e-4f)], await series.ReadScalarAsync(run.Id, MetricCatalog.LearningRate, Ct));

        var layer1 = await series.ReadLayerAsync(run.Id, MetricCatalog.OverflowFraction, TensorRoles.Input, 1, Ct);
        Assert.Equal([new SeriesPoint(0, 0.5f), new SeriesPoint(1, float.PositiveInfinity), new SeriesPoint(2, float.NegativeInfinity)], layer1);

        var heatmap = await series.ReadHeatmapAsync(run.Id, MetricCatalog.OverflowFraction, TensorRoles.Input, Ct);
        Assert.Equal([0, 1, 2], heatmap.Steps);
        AssertBitsEqual([0f, 0.5f, NaNWithPayload], heatmap.Values[0]);
        AssertBitsEqual([0.125f, float.PositiveInfinity, -0f], heatmap.Values[1]);
        AssertBitsEqual([1f, float.NegativeInfinity, 1.401298E-45f], heatmap.Values[2]);

        var scalars = await series.ReadScalarPointsAsync(run.Id, Ct);
        Assert.Equal(4, scalars.Count);
        Assert.Equal([0, 0, 1, 2], scalars.Select(p => p.Step));
        var layerPoints = await series.ReadLayerPointsAsync(run.Id, Ct);
        Assert.Equal([(0, "overflowFraction", "input"), (1, "overflowFraction", "input"), (2, "amax", "weight"), (2, "overflowFraction", "input")],
            layerPoints.Select(p => (p.Step, p.Metric, p.Role)));
        AssertBitsEqual([448f, 57344f, 3.5f], layerPoints[2].Values);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_SameStepTwice_ReplacesWithoutDuplicate(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        var writer = services.GetRequiredService<MetricSeriesWriter>();

        await writer.WriteAsync([TestRuns.Batch(run.Id, [new(5, MetricCatalog.Loss, 1f)], [new(5, MetricCatalog.Amax, TensorRoles.Input, [1f, 2f])])], Ct);
        await writer.WriteAsync([TestRuns.Batch(run.Id, [new(5, MetricCatalog.Loss, 2f)], [new(5, MetricCatalog.Amax, TensorRoles.Input, [3f, 4f])])], Ct);

        var series = services.GetRequiredService<MetricSeriesRepository>();
        Assert.Equal([new SeriesPoint(5, 2f)], await series.ReadScalarAsync(run.Id, MetricCatalog.Loss, Ct));
        var heatmap = await series.ReadHeatmapAsync(run.Id, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([5], heatmap.Steps);
        Assert.Equal([3f, 4f], heatmap.Values.Single());
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_SameStepTwiceInOneFlush_LastOneWins(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);

        // Rows are sorted by key before writing; the sort must keep arrival order for equal keys.
        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
        [
            TestRuns.Batch(run.Id, [new(7, MetricCatalog.Loss, 1f), new(6, MetricCatalog.Loss, 0f)], [new(7, MetricCatalog.Amax, TensorRoles.Input, [1f])]),
            TestRuns.Batch(run.Id, [new(7, MetricCatalog.Loss, 2f)], [new(7, MetricCatalog.Amax, TensorRoles.Input, [2f]), new(6, MetricCatalog.Amax, TensorRoles.Input, [0f])]),
        ], Ct);

        var series = services.GetRequiredService<MetricSeriesRepository>();
        Assert.Equal([new SeriesPoint(6, 0f), new SeriesPoint(7, 2f)], await series.ReadScalarAsync(run.Id, MetricCatalog.Loss, Ct));
        var heatmap = await series.ReadHeatmapAsync(run.Id, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([6, 7], heatmap.Steps);
        Assert.Equal([2f], heatmap.Values[1]);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_UnknownRunInFlush_ThrowsAndWritesNothing(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        var unknown = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [TestRuns.Batch(run.Id, [new(0, MetricCatalog.Loss, 1f)]), TestRuns.Batch(unknown, [new(0, MetricCatalog.Loss, 1f)])], Ct));

        Assert.Equal(unknown, error.RunId);
        Assert.Empty(await services.GetRequiredService<MetricSeriesRepository>().ReadScalarPointsAsync(run.Id, Ct));
        Assert.Equal(-1, (await services.GetRequiredService<RunRepository>().GetAsync(run.Id, Ct))!.LastStep);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_LayerPointWithNullValues_ThrowsArgumentExceptionAndWritesNothing(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [TestRuns.Batch(run.Id, [new(0, MetricCatalog.Loss, 1f)], [new(0, MetricCatalog.Amax, TensorRoles.Input, null!)])], Ct));

        Assert.Empty(await services.GetRequiredService<MetricSeriesRepository>().ReadScalarPointsAsync(run.Id, Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_NegativeStep_ThrowsArgumentException(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [TestRuns.Batch(run.Id, [new(-1, MetricCatalog.Loss, 1f)])], Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_OlderStepAfterNewer_LastStepKeepsMaximum(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var runs = services.GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);
        var writer = services.GetRequiredService<MetricSeriesWriter>();

        await writer.WriteAsync([TestRuns.Batch(run.Id, [new(10, MetricCatalog.Loss, 1f)])], Ct);
        await writer.WriteAsync([TestRuns.Batch(run.Id, [new(3, MetricCatalog.Loss, 1f)])], Ct);

        Assert.Equal(10, (await runs.GetAsync(run.Id, Ct))!.LastStep);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_LayerPointWithoutLayers_RoundTripsAsEmptyArray(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var run = TestRuns.New();
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);

        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [TestRuns.Batch(run.Id, layerPoints: [new(0, MetricCatalog.Amax, TensorRoles.Input, [])])], Ct);

        var heatmap = await services.GetRequiredService<MetricSeriesRepository>().ReadHeatmapAsync(run.Id, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([0], heatmap.Steps);
        Assert.Empty(heatmap.Values.Single());
    }

    private static void AssertBitsEqual(float[] expected, float[] actual) =>
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
}
