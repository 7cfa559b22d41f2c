using QuantScope.Web.Live;

namespace QuantScope.Web.Tests.Live;

/// <summary>The run page's per-circuit view state, resolved from the app's own container (one scope = one circuit).</summary>
public sealed class RunViewStateTests : IDisposable
{
    private static readonly string[] Layers = ["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"];
    private readonly QuantScopeWebFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private LiveRunStore Live => _factory.Services.GetRequiredService<LiveRunStore>();

    private static MetricBatch Steps(Guid run, int from, int to) => new(run,
        [.. Enumerable.Range(from, to - from + 1).Select(s => new ScalarPoint(s, MetricCatalog.Loss, 10 - s / 10f))],
        [
            .. Enumerable.Range(from, to - from + 1).SelectMany(s => new[]
            {
                new LayerPoint(s, MetricCatalog.OverflowFraction, TensorRoles.Input, [(s * 7 % 13) / 13f, s / 100f]),
                new LayerPoint(s, MetricCatalog.Amax, TensorRoles.Input, [s, 2 * s]),
            }),
        ]);

    // A running engine run planned for 6,000 steps (the heatmap then puts 3 steps in a column).
    private async Task<Guid> CreateRunAsync()
    {
        var id = Guid.NewGuid();
        await _factory.Services.GetRequiredService<RunRepository>().CreateAsync(new RunEntity
        {
            Id = id,
            Name = "view",
            Kind = RunKinds.Engine,
            Status = RunStatus.Running,
            ConfigJson = """{"steps": 6000}""",
            LayersJson = RunLayers.Serialize(Layers),
            CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        return id;
    }

    [Fact]
    public async Task Apply_LiveOverlapsHistory_EachStepOnceAndAggregatesEqualARebuild()
    {
        var id = await CreateRunAsync();
        // Steps 0..9 are stored; 8..9 were also published live (still in the replay buffer); 10..20 arrive after opening.
        await _factory.Services.GetRequiredService<MetricSeriesWriter>().WriteAsync([Steps(id, 0, 9)], CancellationToken.None);
        Live.Publish(new MetricsEvent(Steps(id, 8, 9)));
        using var scope = _factory.Services.CreateScope();
        var state = scope.ServiceProvider.GetRequiredService<RunViewState>();
        Assert.True(await state.OpenAsync(id, Task.FromResult<int?>(null), CancellationToken.None));
        Live.Publish(new MetricsEvent(Steps(id, 10, 14)));
        Live.Publish(new MetricsEvent(Steps(id, 12, 20)));

        var loss = state.LossInitial[0].ToList();
        var columns = state.Heatmap.Initial.ToList();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var update in state.UpdatesAsync(cts.Token))
        {
            var delta = state.Apply(update, heatmapShown: true, evalShown: false);
            loss.AddRange(delta.Loss);
            columns.AddRange(delta.HeatmapColumns);
            Assert.False(delta.HeatmapRebuilt);
            if (state.LastStep == 20) break;
        }

        Assert.Equal(Enumerable.Range(0, 21), loss.Select(p => p.Step));
        var all = Steps(id, 0, 20).LayerPoints;
        foreach (var metric in new[] { MetricCatalog.OverflowFraction, MetricCatalog.Amax })
            Assert.Equal(Enumerable.Range(0, 21), state.LayerPoints.Where(p => p.Metric == metric).Select(p => p.Step));
        Assert.Equal(3, state.Heatmap.StepsPerColumn);
        var rebuilt = HeatmapBucketer.For(MetricCatalog.OverflowFraction, 6_000).Add(ChartData.Rows(all, MetricCatalog.OverflowFraction, TensorRoles.Input));
        Assert.Equal(rebuilt.Select(c => c.Step), columns.Select(c => c.Step));
        Assert.Equal(rebuilt.Select(c => c.Row), columns.Select(c => c.Row));
        Assert.Equal([20f, 40f], state.LayerTable.Select(r => r.Amax));
        Assert.Equal([10f / 13, 0.2f], state.LayerTable.Select(r => r.Saturation));
        Assert.Equal(0, state.LayerIndex); // the first down_proj
    }

    [Fact]
    public async Task Apply_RunEnds_StatusShownAndSummaryDue()
    {
        var id = await CreateRunAsync();
        using var scope = _factory.Services.CreateScope();
        var state = scope.ServiceProvider.GetRequiredService<RunViewState>();
        Assert.True(await state.OpenAsync(id, Task.FromResult<int?>(null), CancellationToken.None));
        Assert.Equal(RunStatus.Running, state.Status);
        Live.Publish(new StatusEvent(id, RunStatus.Failed, "diverged", null));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var update = await state.UpdatesAsync(cts.Token).FirstAsync(cts.Token);
        var delta = state.Apply(update, heatmapShown: false, evalShown: false);

        Assert.True(delta.SummaryDue);
        Assert.True(state.Ended);
        Assert.Equal("diverged", state.Error);
        Assert.Empty(delta.Loss);
    }

    [Fact]
    public async Task Dispose_OpenRun_Unsubscribes()
    {
        var (first, second) = (await CreateRunAsync(), await CreateRunAsync());
        var before = Live.SubscriberCount;
        var scope = _factory.Services.CreateScope();
        var state = scope.ServiceProvider.GetRequiredService<RunViewState>();

        Assert.True(await state.OpenAsync(first, Task.FromResult<int?>(null), CancellationToken.None));
        Assert.Equal(before + 1, Live.SubscriberCount);
        Assert.True(await state.OpenAsync(second, Task.FromResult<int?>(null), CancellationToken.None)); // the first is closed
        Assert.Equal(before + 1, Live.SubscriberCount);
        Assert.Equal(second, state.Run?.Id);
        scope.Dispose(); // the circuit ends

        Assert.Equal(before, Live.SubscriberCount);
        Assert.Null(state.Run);
    }

    [Fact]
    public async Task OpenAsync_NoSuchRun_MissingWithoutSubscription()
    {
        var before = Live.SubscriberCount;
        using var scope = _factory.Services.CreateScope();
        var state = scope.ServiceProvider.GetRequiredService<RunViewState>();

        Assert.False(await state.OpenAsync(Guid.NewGuid(), Task.FromResult<int?>(1_200), CancellationToken.None));

        Assert.True(state.Missing);
        Assert.Null(state.Run);
        Assert.Equal(before, Live.SubscriberCount);
    }
}
