namespace QuantScope.Data.Tests.Runs;

public sealed class RunRepositoryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task CreateAsync_NewRun_GetReturnsSameFieldsWithUtcDates(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var created = new DateTime(2026, 11, 2, 10, 30, 15, 250, DateTimeKind.Utc);
        var run = TestRuns.New("fp8-demo", created);
        run.Kind = RunKinds.External;

        await runs.CreateAsync(run, Ct);
        var loaded = await runs.GetAsync(run.Id, Ct);

        Assert.NotNull(loaded);
        Assert.Equal(("fp8-demo", RunKinds.External, RunStatus.Pending, """{"steps":200}""", -1),
            (loaded.Name, loaded.Kind, loaded.Status, loaded.ConfigJson, loaded.LastStep));
        Assert.Equal(created, loaded.CreatedAt);
        Assert.Equal(DateTimeKind.Utc, loaded.CreatedAt.Kind);
        Assert.Empty(loaded.GetLayers());
        Assert.Null(loaded.StartedAt);
        Assert.Null(loaded.EndedAt);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task CreateAsync_UnknownKind_ThrowsArgumentException(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        run.Kind = "mystery";

        await Assert.ThrowsAsync<ArgumentException>(() => runs.CreateAsync(run, Ct));
        Assert.Empty(await runs.ListAsync(Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ListAsync_ThreeRuns_NewestFirst(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var t0 = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
        await runs.CreateAsync(TestRuns.New("middle", t0.AddSeconds(1.5)), Ct);
        await runs.CreateAsync(TestRuns.New("newest", t0.AddDays(1)), Ct);
        await runs.CreateAsync(TestRuns.New("oldest", t0), Ct);

        var list = await runs.ListAsync(Ct);

        Assert.Equal(["newest", "middle", "oldest"], list.Select(r => r.Name));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task SetPlanAsync_JsonObject_RoundTripsAndRejectsNonObjects(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, CancellationToken.None);
        Assert.Equal("{}", (await runs.GetAsync(run.Id, CancellationToken.None))!.PlanJson);

        const string plan = "{\"name\":\"fp8-delayed\",\"entries\":[{\"layer\":\"model.layers.0.mlp.down_proj\",\"role\":\"input\"}]}";
        Assert.True(await runs.SetPlanAsync(run.Id, plan, CancellationToken.None));
        Assert.Equal(plan, (await runs.GetAsync(run.Id, CancellationToken.None))!.PlanJson);
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(() => runs.SetPlanAsync(run.Id, "[1]", CancellationToken.None));
        Assert.False(await runs.SetPlanAsync(Guid.NewGuid(), plan, CancellationToken.None));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task SetLayersAsync_LayerNames_RoundTripInOrder(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);

        Assert.True(await runs.SetLayersAsync(run.Id, TestRuns.Layers, Ct));

        Assert.Equal(TestRuns.Layers, (await runs.GetAsync(run.Id, Ct))!.GetLayers());
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task MarkRunningAsync_PendingRun_SetsStatusAndStartedAt(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);
        var before = StoredNow();

        Assert.True(await runs.MarkRunningAsync(run.Id, Ct));

        var loaded = (await runs.GetAsync(run.Id, Ct))!;
        Assert.Equal(RunStatus.Running, loaded.Status);
        Assert.InRange(loaded.StartedAt!.Value, before, DateTime.UtcNow);
        Assert.Null(loaded.EndedAt);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task MarkEndedAsync_Failed_SetsStatusErrorAndEndedAt(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);
        await runs.MarkRunningAsync(run.Id, Ct);
        var before = StoredNow();

        Assert.True(await runs.MarkEndedAsync(run.Id, RunStatus.Failed, "loss diverged at step 41", Ct));

        var loaded = (await runs.GetAsync(run.Id, Ct))!;
        Assert.Equal(RunStatus.Failed, loaded.Status);
        Assert.Equal("loss diverged at step 41", loaded.Error);
        Assert.InRange(loaded.EndedAt!.Value, before, DateTime.UtcNow);
        Assert.Equal(DateTimeKind.Utc, loaded.EndedAt.Value.Kind);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ClaimForResumeAsync_InterruptedRun_RunningWithEndCleared_SecondClaimRefused(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);
        await runs.MarkRunningAsync(run.Id, Ct);
        await runs.MarkEndedAsync(run.Id, RunStatus.Interrupted, "server stopped", Ct);
        var before = StoredNow();

        Assert.True(await runs.ClaimForResumeAsync(run.Id, Ct));
        Assert.False(await runs.ClaimForResumeAsync(run.Id, Ct));

        var loaded = (await runs.GetAsync(run.Id, Ct))!;
        Assert.Equal(RunStatus.Running, loaded.Status);
        Assert.InRange(loaded.StartedAt!.Value, before, DateTime.UtcNow);
        Assert.Null(loaded.EndedAt);
        Assert.Null(loaded.Error);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ClaimForResumeAsync_ManyAtOnce_ExactlyOneWins(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);
        await runs.MarkEndedAsync(run.Id, RunStatus.Failed, "diverged", Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => runs.ClaimForResumeAsync(run.Id, Ct))));

        Assert.Equal(1, claims.Count(c => c));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task ClaimForResumeAsync_CompletedPendingOrUnknown_False(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var completed = TestRuns.New();
        var pending = TestRuns.New();
        await runs.CreateAsync(completed, Ct);
        await runs.CreateAsync(pending, Ct);
        await runs.MarkEndedAsync(completed.Id, RunStatus.Completed, null, Ct);

        Assert.False(await runs.ClaimForResumeAsync(completed.Id, Ct));
        Assert.False(await runs.ClaimForResumeAsync(pending.Id, Ct));
        Assert.False(await runs.ClaimForResumeAsync(Guid.NewGuid(), Ct));
        Assert.Equal(RunStatus.Completed, (await runs.GetAsync(completed.Id, Ct))!.Status);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task MarkEndedAsync_NonFinalStatus_ThrowsArgumentException(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();

        await Assert.ThrowsAsync<ArgumentException>(() => runs.MarkEndedAsync(Guid.NewGuid(), RunStatus.Running, null, Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task UpdateLastStepAsync_LowerStep_KeepsHigher(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var run = TestRuns.New();
        await runs.CreateAsync(run, Ct);

        Assert.True(await runs.UpdateLastStepAsync(run.Id, 12, Ct));
        Assert.True(await runs.UpdateLastStepAsync(run.Id, 5, Ct));

        Assert.Equal(12, (await runs.GetAsync(run.Id, Ct))!.LastStep);
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task Updates_UnknownRun_ReturnFalse(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var runs = (await temp.OpenAsync()).GetRequiredService<RunRepository>();
        var id = Guid.NewGuid();

        Assert.False(await runs.SetLayersAsync(id, TestRuns.Layers, Ct));
        Assert.False(await runs.MarkRunningAsync(id, Ct));
        Assert.False(await runs.MarkEndedAsync(id, RunStatus.Completed, null, Ct));
        Assert.False(await runs.UpdateLastStepAsync(id, 3, Ct));
        Assert.False(await runs.DeleteAsync(id, Ct));
        Assert.Null(await runs.GetAsync(id, Ct));
    }

    [Theory, InlineData(StoreProvider.Sqlite), PostgresData]
    public async Task DeleteAsync_RunWithSeries_RemovesRunAndSeriesOnly(StoreProvider store)
    {
        await using var temp = TestStores.Create(store);
        var services = await temp.OpenAsync();
        var runs = services.GetRequiredService<RunRepository>();
        var doomed = TestRuns.New("doomed");
        var kept = TestRuns.New("kept");
        await runs.CreateAsync(doomed, Ct);
        await runs.CreateAsync(kept, Ct);
        await services.GetRequiredService<MetricSeriesWriter>().WriteAsync(
        [
            TestRuns.Batch(doomed.Id, [new(0, MetricCatalog.Loss, 1f)], [new(0, MetricCatalog.Amax, TensorRoles.Input, [1f])]),
            TestRuns.Batch(kept.Id, [new(0, MetricCatalog.Loss, 2f)], [new(0, MetricCatalog.Amax, TensorRoles.Input, [2f])]),
        ], Ct);

        Assert.True(await runs.DeleteAsync(doomed.Id, Ct));

        var series = services.GetRequiredService<MetricSeriesRepository>();
        Assert.Null(await runs.GetAsync(doomed.Id, Ct));
        Assert.Empty(await series.ReadScalarPointsAsync(doomed.Id, Ct));
        Assert.Empty(await series.ReadLayerPointsAsync(doomed.Id, Ct));
        Assert.Single(await series.ReadScalarPointsAsync(kept.Id, Ct));
        Assert.Single(await series.ReadLayerPointsAsync(kept.Id, Ct));
    }

    /// <summary>
    /// The current time cut to whole microseconds: PostgreSQL keeps timestamps to the microsecond,
    /// so a time stored just after this call may read back a few ticks below DateTime.UtcNow.
    /// </summary>
    private static DateTime StoredNow()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
