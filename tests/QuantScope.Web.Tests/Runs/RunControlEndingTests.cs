using QuantScope.Web.Runs;

namespace QuantScope.Web.Tests.Runs;

/// <summary>
/// The coordinator stores a run's end a moment before it lets go of the run. A client that reads "completed" and deletes
/// the run at once must not be told that it still trains.
/// </summary>
public sealed class RunControlEndingTests(QuantScopeWebFactory factory) : IClassFixture<QuantScopeWebFactory>
{
    private static object Config() => new
    {
        name = "ending",
        model = new { layers = 1, dModel = 32, heads = 2, ffnDim = 64, contextLength = 32 },
        steps = 100_000,
        batchSize = 2,
        seqLen = 16,
    };

    [Fact]
    public async Task IsTraining_EndStoredWhileTheCoordinatorStillHoldsTheRun_WaitsForItAndSaysNo()
    {
        using var client = factory.CreateClient();
        var id = await factory.CreateRunAsync(client, Config());
        var runs = factory.Services.GetRequiredService<RunRepository>();
        var coordinator = factory.Services.GetRequiredService<RunCoordinator>();
        var control = factory.Services.GetRequiredService<RunControl>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await runs.GetAsync(id, default))!.Status != RunStatus.Running && DateTime.UtcNow < deadline) await Task.Delay(20);

        // Still training and not ended in the store: training, at once.
        Assert.True(await control.IsTrainingAsync(id, default));

        // The store holds the end while the coordinator still holds the run (the moment between the two).
        Assert.True(await runs.MarkEndedAsync(id, RunStatus.Completed, null, default));
        Assert.Contains(id, coordinator.ActiveRuns);
        var asked = control.IsTrainingAsync(id, default);
        await Task.Delay(200);
        Assert.False(asked.IsCompleted); // it waits for the coordinator to let go of the run
        Assert.True(coordinator.Cancel(id));
        Assert.False(await asked);
        Assert.DoesNotContain(id, coordinator.ActiveRuns);
    }
}
