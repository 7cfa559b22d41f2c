namespace QuantScope.Data.Tests.Series;

public sealed class MetricSeriesWriterMergeTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const float N = float.NaN;

    [Theory]
    [InlineData(new float[0], new float[0], new float[0])]
    [InlineData(new[] { 1f, 2f }, new[] { N, 5f }, new[] { 1f, 5f })]
    [InlineData(new[] { 1f }, new[] { N, N, 3f }, new[] { 1f, N, 3f })]
    [InlineData(new[] { 1f, 2f, 3f }, new[] { 9f }, new[] { 9f, 2f, 3f })]
    [InlineData(new[] { N, 2f }, new[] { N, N }, new[] { N, 2f })]
    public void Merge_StoredAndIncoming_PadsAndKeepsNonNaN(float[] stored, float[] incoming, float[] expected)
    {
        Assert.Equal(expected, MetricSeriesWriter.Merge(stored, incoming));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteMergedAsync_SecondBatchWithNewLayer_MergesIntoTheStepsRow(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var (run, writer, series) = await NewRunAsync(services);

        await writer.WriteMergedAsync(
            [TestRuns.Batch(run, [new(0, MetricCatalog.Loss, 2.5f)], [new(0, MetricCatalog.Amax, TensorRoles.Input, [1f, N])])], Ct);
        await writer.WriteMergedAsync(
            [TestRuns.Batch(run, [new(0, MetricCatalog.Loss, 2.25f)], [new(0, MetricCatalog.Amax, TensorRoles.Input, [N, N, 3f])])], Ct);

        var heatmap = await series.ReadHeatmapAsync(run, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([0], heatmap.Steps);
        Assert.Equal([1f, N, 3f], heatmap.Values[0]);
        Assert.Equal([new SeriesPoint(0, 2.25f)], await series.ReadScalarAsync(run, MetricCatalog.Loss, Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteMergedAsync_SameStepTwiceInOneFlush_MergesInOrder(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var (run, writer, series) = await NewRunAsync(services);

        await writer.WriteMergedAsync(
        [
            TestRuns.Batch(run, layerPoints: [new(3, MetricCatalog.Mse, TensorRoles.Weight, [1f, N, N])]),
            TestRuns.Batch(run, layerPoints: [new(3, MetricCatalog.Mse, TensorRoles.Weight, [N, 2f])]),
            TestRuns.Batch(run, layerPoints: [new(3, MetricCatalog.Mse, TensorRoles.Weight, [N, N, 3f])]),
        ], Ct);

        var heatmap = await series.ReadHeatmapAsync(run, MetricCatalog.Mse, TensorRoles.Weight, Ct);
        Assert.Equal([1f, 2f, 3f], heatmap.Values[0]);
        Assert.Equal(3, (await services.GetRequiredService<RunRepository>().GetAsync(run, Ct))!.LastStep);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteAsync_AfterMergedRow_StillReplaces(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var (run, writer, series) = await NewRunAsync(services);

        await writer.WriteMergedAsync([TestRuns.Batch(run, layerPoints: [new(0, MetricCatalog.Amax, TensorRoles.Input, [1f, 2f])])], Ct);
        await writer.WriteAsync([TestRuns.Batch(run, layerPoints: [new(0, MetricCatalog.Amax, TensorRoles.Input, [N, 5f])])], Ct);

        var heatmap = await series.ReadHeatmapAsync(run, MetricCatalog.Amax, TensorRoles.Input, Ct);
        Assert.Equal([N, 5f], heatmap.Values[0]);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task WriteMergedAsync_UnknownRunInFlush_WritesNothing(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var (run, writer, series) = await NewRunAsync(services);

        await Assert.ThrowsAsync<RunNotFoundException>(() => writer.WriteMergedAsync(
        [
            TestRuns.Batch(run, layerPoints: [new(0, MetricCatalog.Amax, TensorRoles.Input, [1f])]),
            TestRuns.Batch(Guid.NewGuid(), layerPoints: [new(0, MetricCatalog.Amax, TensorRoles.Input, [1f])]),
        ], Ct));

        Assert.Empty((await series.ReadHeatmapAsync(run, MetricCatalog.Amax, TensorRoles.Input, Ct)).Steps);
    }

    private static async Task<(Guid Run, MetricSeriesWriter Writer, MetricSeriesRepository Series)> NewRunAsync(IServiceProvider services)
    {
        var run = TestRuns.New();
        run.Kind = RunKinds.External;
        await services.GetRequiredService<RunRepository>().CreateAsync(run, Ct);
        return (run.Id, services.GetRequiredService<MetricSeriesWriter>(), services.GetRequiredService<MetricSeriesRepository>());
    }
}
