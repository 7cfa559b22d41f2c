using QuantScope.Web.Cluster;

namespace QuantScope.Web.Tests.Cluster;

/// <summary>A worker lost mid-run: its run is placed again on another worker and finishes with every step stored once.</summary>
public sealed class ClusterFailoverTests
{
    private const int Steps = 160;

    [Fact]
    public async Task RunAsync_WorkerStoppedMidRun_FinishesElsewhereWithEveryStepOnce() =>
        await LoseWorkerMidRunAsync(kill: false);

    [Fact]
    public async Task RunAsync_WorkerKilledMidRun_FinishesElsewhereWithEveryStepOnce() =>
        await LoseWorkerMidRunAsync(kill: true);

    private static async Task LoseWorkerMidRunAsync(bool kill)
    {
        await using var cluster = new TestWorkerCluster();
        await cluster.InitializeAsync();
        var created = await cluster.StartSweepAsync(runs: 1, Steps, checkpointEvery: 25);
        var id = created.Runs[0];
        var dispatcher = cluster.Get<ClusterJobDispatcher>();

        var before = await cluster.WaitForStepAsync(id, 30);
        Assert.True(before.LastStep < Steps - 1, "the run ended before its worker could be lost: raise Steps");
        var first = dispatcher.WorkersOf(id).Single();
        var silo = cluster.SiloNamed(first);
        if (kill) await cluster.Cluster.KillSiloAsync(silo);
        else await cluster.Cluster.StopSiloAsync(silo);

        var run = await cluster.WaitForStatusAsync(id, RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled);
        Assert.True(run.Status == RunStatus.Completed, $"{run.Status}: {run.Error}");
        var workers = dispatcher.WorkersOf(id);
        Assert.Equal(2, workers.Count);
        Assert.Equal(first, workers[0]);
        Assert.NotEqual(first, workers[1]);
        var resumes = dispatcher.ResumesOf(id);
        Assert.Null(resumes[0]);
        Assert.True(resumes[1] >= 25, $"the second attempt resumed after step {resumes[1]}");
        Assert.Equal(Enumerable.Range(0, Steps), await cluster.LossStepsAsync(id));
    }
}
