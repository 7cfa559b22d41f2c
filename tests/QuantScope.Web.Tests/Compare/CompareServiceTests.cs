using QuantScope.Web.Compare;

namespace QuantScope.Web.Tests.Compare;

public sealed class CompareServiceTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private async Task<Guid> RunAsync(string[] layers, params (int Step, float[] Row)[] overflow)
    {
        var id = Guid.NewGuid();
        var runs = factory.Services.GetRequiredService<RunRepository>();
        await runs.CreateAsync(new RunEntity { Id = id, Name = "h", Kind = RunKinds.External, Status = RunStatus.Completed, ConfigJson = "{}", LayersJson = RunLayers.Serialize(layers), CreatedAt = DateTime.UtcNow }, CancellationToken.None);
        await factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [new MetricBatch(id, [.. overflow.Select(o => new ScalarPoint(o.Step, MetricCatalog.Tokens, 100f * (o.Step + 1)))],
                [.. overflow.Select(o => new LayerPoint(o.Step, MetricCatalog.OverflowFraction, TensorRoles.Input, o.Row))])], CancellationToken.None);
        return id;
    }

    [Theory]
    [InlineData(null, "pick 2 to 6 runs (got 0)")]
    [InlineData("x,y", "'x' is not a run id")]
    public void ParseIds_Bad_Says(string? query, string error) => Assert.Equal(error, CompareService.ParseIds(query).Error);

    [Fact]
    public void ParseIds_RepeatedIdKept_SevenTooMany()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        Assert.Equal([a, b, a], CompareService.ParseIds($"{a}, {b},{a}").Ids);
        Assert.NotNull(CompareService.ParseIds(string.Join(',', Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()))).Error);
    }

    [Fact]
    public async Task HeatmapDiff_Api_AMinusBOverCommonStepsAndItselfZero()
    {
        var client = factory.CreateClient();
        var a = await RunAsync(["l0", "l1"], (0, [0.5f, 0.25f]), (1, [0.75f, 0f]));
        var b = await RunAsync(["l1", "l0"], (1, [0.5f, 0.25f]), (2, [1f, 1f]));
        var diff = await client.GetFromJsonAsync<JsonElement>($"/api/compare/heatmap-diff?a={a}&b={b}&metric=overflowFraction&role=input");
        Assert.Equal(["l0", "l1"], diff.GetProperty("layers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([1], diff.GetProperty("steps").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0.5f, diff.GetProperty("values")[0][0].GetSingle());
        Assert.Equal(-0.5f, diff.GetProperty("values")[1][0].GetSingle());

        var self = await client.GetFromJsonAsync<JsonElement>($"/api/compare/heatmap-diff?a={a}&b={a}&metric=overflowFraction");
        Assert.All(self.GetProperty("values").EnumerateArray().SelectMany(r => r.EnumerateArray()), v => Assert.Equal(0f, v.GetSingle()));
        Assert.Equal(2, self.GetProperty("steps").GetArrayLength());

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/compare/heatmap-diff?a={a}&b={Guid.NewGuid()}&metric=overflowFraction")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/compare/heatmap-diff?a={a}&b={b}&metric=loss")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/compare/heatmap-diff?a={a}&b={b}&metric=overflowFraction&role=bias")).StatusCode);
    }

    [Fact]
    public async Task HeatmapGroups_UnionOfTheRunsRecordedMetrics_GroupedPerRole()
    {
        const string whatIf = MetricCatalog.WhatIfPrefix + "mxfp8." + MetricCatalog.OverflowFraction;
        var a = await RunAsync(["l0"], (0, [0.5f])); // overflowFraction, input
        var b = await RunAsync(["l0"]);
        await factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
            [new MetricBatch(b, [], [new LayerPoint(0, whatIf, TensorRoles.Input, [0.25f]), new LayerPoint(0, MetricCatalog.Amax, TensorRoles.Weight, [2f])])],
            CancellationToken.None);
        var runs = factory.Services.GetRequiredService<RunRepository>();
        var service = new CompareService(runs, factory.Services.GetRequiredService<MetricSeriesRepository>());
        var compared = new[] { (await runs.GetAsync(a, CancellationToken.None))!, (await runs.GetAsync(b, CancellationToken.None))! };

        var recorded = await service.RecordedLayerMetricsAsync(compared, CancellationToken.None);

        Assert.True(recorded.SetEquals([(MetricCatalog.OverflowFraction, TensorRoles.Input), (whatIf, TensorRoles.Input), (MetricCatalog.Amax, TensorRoles.Weight)]),
            string.Join(", ", recorded));
        var input = CompareService.HeatmapGroups(recorded, TensorRoles.Input, MetricCatalog.OverflowFraction);
        Assert.Equal(["Saturation and range", "What-if mxfp8"], input.Select(g => g.Label));
        Assert.Equal([[MetricCatalog.OverflowFraction], [whatIf]], input.Select(g => g.Options.Select(o => o.Metric).ToArray()));
        Assert.StartsWith("what-if mxfp8: ", input[1].Options[0].Label, StringComparison.Ordinal);
        // The weight role: what it recorded, plus the current pick so it always shows.
        var weight = CompareService.HeatmapGroups(recorded, TensorRoles.Weight, MetricCatalog.OverflowFraction);
        Assert.Equal([MetricCatalog.Amax, MetricCatalog.OverflowFraction], weight.SelectMany(g => g.Options).Select(o => o.Metric).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SeriesAndSummary_TokensAxisAndOverflowFromHeatmap()
    {
        var a = await RunAsync(["l0", "l1"], (0, [0.5f, 0f]), (1, [0.25f, 0.1f]));
        var service = new CompareService(factory.Services.GetRequiredService<RunRepository>(), factory.Services.GetRequiredService<MetricSeriesRepository>());
        var run = (await factory.Services.GetRequiredService<RunRepository>().GetAsync(a, CancellationToken.None))!;
        var tokens = await service.SeriesAsync(run, MetricCatalog.Tokens, byTokens: true, 100, CancellationToken.None);
        Assert.Equal([100.0, 200.0], tokens.X);
        var row = await service.SummaryAsync(run, CancellationToken.None);
        Assert.Equal(0.5, row.OverflowMax!.Value, 6);
        Assert.Equal(0.2125, row.OverflowMean!.Value, 6);
        Assert.Equal(["l0", "l1"], row.WorstLayers);
        Assert.Null(row.ApeMeanPct);
    }

    [Fact]
    public async Task HeatmapsAsync_TwoRuns_PooledOnOneScaleWithTheirDifference()
    {
        var a = await RunAsync(["l0", "l1"], (0, [0.5f, 0.25f]), (1, [0.75f, 0f]), (2, [0.1f, 0.2f]));
        var b = await RunAsync(["l0", "l1"], (0, [0.25f, 0.25f]), (1, [1f, 0.5f]));
        var repository = factory.Services.GetRequiredService<RunRepository>();
        var runs = new[] { (await repository.GetAsync(a, CancellationToken.None))!, (await repository.GetAsync(b, CancellationToken.None))! };
        var service = new CompareService(repository, factory.Services.GetRequiredService<MetricSeriesRepository>());

        var view = await service.HeatmapsAsync(runs, MetricCatalog.OverflowFraction, TensorRoles.Input, viewSteps: 1_500, CancellationToken.None);

        var full = new[] { await service.HeatmapAsync(runs[0], MetricCatalog.OverflowFraction, TensorRoles.Input, CancellationToken.None),
            await service.HeatmapAsync(runs[1], MetricCatalog.OverflowFraction, TensorRoles.Input, CancellationToken.None) };
        Assert.Equal(2, view.Runs.Count);
        Assert.Equal([0, 1, 2], view.Runs[0].Steps);
        Assert.Equal((0f, 1f), view.Range);
        Assert.Equal([0, 1], view.Difference.Steps);
        Assert.Equal(HeatmapMath.Difference(full[0], full[1]).Values.SelectMany(r => r), view.Difference.Values.SelectMany(r => r));
        Assert.Equal(0.5, view.DifferenceAbs, 6);
    }
}
