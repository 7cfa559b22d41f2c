using QuantScope.Web.Components.Charts;
using QuantScope.Web.Live;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Components.Charts;

/// <summary>
/// The layer panel's views from points written into the store and read back the way the run page reads them (its
/// <see cref="RunViewState"/>): magnitude-histogram bins, the amax history window of a sparsely logged run, the
/// pickers' choices and the role a heatmap click opens.
/// </summary>
public sealed class LayerViewsFromStoreTests : IDisposable
{
    private static readonly string[] Layers = ["model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj"];
    private readonly QuantScopeWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    // Logged every 2 steps (0, 2, ..., 10): amax = step + layer, amaxPred = the max of the stored amax 4 steps back.
    // Weight histograms at steps 0 and 10: layer 1's bins sum to 1.
    private static IReadOnlyList<MetricBatch> Batches(Guid run) =>
    [
        .. Enumerable.Range(0, 6).Select(i => 2 * i).Select(s => new MetricBatch(run, [new ScalarPoint(s, MetricCatalog.Loss, 3f)],
        [
            new LayerPoint(s, MetricCatalog.Amax, TensorRoles.Weight, [s, s + 1]),
            new LayerPoint(s, MetricCatalog.AmaxPred, TensorRoles.Weight, [Math.Max(0, s - 2), Math.Max(1, s - 1)]),
            new LayerPoint(s, MetricCatalog.Mse, TensorRoles.Weight, [0.1f, 0.2f]),
            .. s is 0 or 10
                ? new[]
                {
                    new LayerPoint(s, "magHist.zero", TensorRoles.Weight, [0f, 0.125f]),
                    new LayerPoint(s, "magHist.under", TensorRoles.Weight, [0f, s == 0 ? 0.125f : 0f]),
                    new LayerPoint(s, "magHist.e-3", TensorRoles.Weight, [0.5f, s == 0 ? 0.25f : 0.375f]),
                    new LayerPoint(s, "magHist.e0", TensorRoles.Weight, [0.5f, 0.5f]),
                    new LayerPoint(s, "magHist.over", TensorRoles.Weight, [0f, 0f]),
                }
                : [],
        ])),
    ];

    private async Task<RunViewState> OpenAsync(IServiceScope scope)
    {
        var id = Guid.NewGuid();
        await _factory.Services.GetRequiredService<RunRepository>().CreateAsync(new RunEntity
        {
            Id = id, Name = "views", Kind = RunKinds.Imported, Status = RunStatus.Completed, ConfigJson = "{}",
            LayersJson = RunLayers.Serialize(Layers), CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        var plan = new EffectivePlanDto("custom", Layers.Select(l => new PlanEntry(l, TensorRoles.Weight, "e4m3", "delayed(h=4,max,margin=0)", null)).ToArray(), []);
        await _factory.Services.GetRequiredService<RunRepository>().SetPlanAsync(id, JsonSerializer.Serialize(plan, JsonDefaults.Options), CancellationToken.None);
        await _factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync(Batches(id), CancellationToken.None);
        var state = scope.ServiceProvider.GetRequiredService<RunViewState>();
        Assert.True(await state.OpenAsync(id, Task.FromResult<int?>(null), CancellationToken.None));
        return state;
    }

    [Fact]
    public async Task MagnitudeHistogram_StoredBins_BarsPerStepInBinOrderWithTheFormatsBinades()
    {
        using var scope = _factory.Services.CreateScope();
        var state = await OpenAsync(scope);
        var range = FormatExponentRange.Of(LayerPanelData.Entry(state.Plan, Layers[1], TensorRoles.Weight)!.Format);
        Assert.Equal(new FormatExponentRange("e4m3", -9, 8), range);

        var h = MagnitudeHistogram.From(state.LayerPoints, 1, TensorRoles.Weight, range)!;
        Assert.Equal(["magHist.zero", "magHist.under", "magHist.e-3", "magHist.e0", "magHist.over"], h.Bins.Select(b => b.Metric));
        Assert.Equal([-11.0, -10.0, -3.0, 0.0, 9.0], h.X); // zero and under left of 2^-9, over right of 2^8: the range fits between
        Assert.Equal([0, 10], h.Steps);
        Assert.Equal([0.125, 0.125, 0.25, 0.5, 0], h.Fractions[0]);
        Assert.Equal([0.125, 0, 0.375, 0.5, 0], h.Fractions[1]);
        Assert.All(h.Fractions, f => Assert.Equal(1.0, f.Sum(), 12));
        Assert.Equal(1, h.IndexOf(7)); // nearest logged step to 7 is 10
        Assert.Null(MagnitudeHistogram.From(state.LayerPoints, 1, TensorRoles.Input));
    }

    [Fact]
    public async Task AmaxWindow_LoggedEveryTwoSteps_TwoOfFourHistoryStepsStoredAndSaidSparse()
    {
        using var scope = _factory.Services.CreateScope();
        var state = await OpenAsync(scope);
        var w = AmaxWindow.At(state.LayerPoints, 1, TensorRoles.Weight, 8, LayerPanelData.Entry(state.Plan, Layers[1], TensorRoles.Weight))!;
        Assert.Equal((4, Engine.Quantization.AmaxAlgorithm.Max), (w.Settings.HistoryLength, w.Settings.Algorithm));
        Assert.Equal([(4, 5f), (6, 7f)], w.Entries); // steps 4..7 of the history; 5 and 7 were not logged
        Assert.Equal((2, 4, true), (w.Stored, w.Expected, w.Sparse));
        Assert.Equal(7f, w.AmaxPred);
        Assert.Equal(9f, w.Amax);
        Assert.Equal(7.0, w.FromStored);

        var early = AmaxWindow.At(state.LayerPoints, 1, TensorRoles.Weight, 2, LayerPanelData.Entry(state.Plan, Layers[1], TensorRoles.Weight))!;
        Assert.Equal((1, 2, true), (early.Stored, early.Expected, early.Sparse)); // the history held steps 0..1 only
        Assert.Null(AmaxWindow.At(state.LayerPoints, 1, TensorRoles.Input, 8, LayerPanelData.Entry(state.Plan, Layers[1], TensorRoles.Input)));
    }

    [Fact]
    public async Task Pickers_RecordedWeightMetrics_OfferedForTheWeightRoleOnly()
    {
        using var scope = _factory.Services.CreateScope();
        var state = await OpenAsync(scope);
        var weight = MetricOptions.ForRun(state.RecordedMetrics(TensorRoles.Weight)).SelectMany(g => g.Options).Select(o => o.Metric).ToArray();
        Assert.Equal(
            [MetricCatalog.Amax, MetricCatalog.AmaxPred, MetricCatalog.Mse, "magHist.zero", "magHist.under", "magHist.e-3", "magHist.e0", "magHist.over"],
            weight);
        Assert.Empty(state.RecordedMetrics(TensorRoles.Input));
    }

    [Fact]
    public async Task PickLayer_WithTheHeatmapsRole_PanelFollowsTheRole()
    {
        using var scope = _factory.Services.CreateScope();
        var state = await OpenAsync(scope);
        Assert.Equal((1, TensorRoles.Input), (state.LayerIndex, state.LayerRole));
        state.PickLayer(Layers[0], TensorRoles.Weight);
        Assert.Equal((0, TensorRoles.Weight), (state.LayerIndex, state.LayerRole));
        state.PickLayer(Layers[1], "bogus");
        Assert.Equal((1, TensorRoles.Weight), (state.LayerIndex, state.LayerRole)); // an unknown role keeps the one shown
        state.PickLayer("no.such.layer", TensorRoles.GradOutput);
        Assert.Equal((1, TensorRoles.Weight), (state.LayerIndex, state.LayerRole));
    }
}
