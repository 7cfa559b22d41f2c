using QuantScope.Web.Cluster;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Cluster;

/// <summary>Sweeps through the dashboard onto three in-process worker silos (real Orleans placement, real tiny training).</summary>
public sealed class ClusterJobDispatcherTests(TestWorkerCluster cluster) : IClassFixture<TestWorkerCluster>
{
    [Fact]
    public async Task RunAsync_SixRunSweep_SpreadsOverWorkersWithEveryStepOnce()
    {
        const int steps = 20;
        var created = await cluster.StartSweepAsync(runs: 6, steps);

        await cluster.Get<SweepRunner>().WaitAsync(created.SweepId).WaitAsync(TimeSpan.FromSeconds(180));

        var dispatcher = cluster.Get<ClusterJobDispatcher>();
        foreach (var id in created.Runs)
        {
            var run = await cluster.WaitForStatusAsync(id, RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled);
            Assert.True(run.Status == RunStatus.Completed, $"run {id}: {run.Status} {run.Error}");
            Assert.Equal(Enumerable.Range(0, steps), await cluster.LossStepsAsync(id));
            Assert.Single(dispatcher.WorkersOf(id));
            Assert.NotNull(run.SummaryJson);
        }
        var workers = created.Runs.Select(id => dispatcher.WorkersOf(id)[0]).Distinct().ToList();
        Assert.True(workers.Count >= 2, $"all runs went to {string.Join(", ", workers)}");
        Assert.Equal(RunStatus.Completed, cluster.Get<SweepRunner>().StateOf(created.SweepId));
    }

    [Fact]
    public async Task Cancel_RunOnAWorker_StopsItOnTheWorkerAndRecordsCancelled()
    {
        var created = await cluster.StartSweepAsync(runs: 1, steps: 100_000);
        var id = created.Runs[0];
        await cluster.WaitForStepAsync(id, 3);
        using var http = cluster.Dashboard.CreateClient();

        var response = await http.PostAsync($"/api/runs/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await cluster.WaitForStatusAsync(id, RunStatus.Cancelled, RunStatus.Completed, RunStatus.Failed);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.DoesNotContain(id, cluster.RunningOnWorkers());
        Assert.InRange(run.LastStep, 3, 99_998);
        var steps = await cluster.LossStepsAsync(id);
        Assert.Equal(Enumerable.Range(0, steps.Count), steps);
    }

    [Fact]
    public async Task Workers_Endpoint_ListsThreeWorkersWithTheirCpu()
    {
        using var http = cluster.Dashboard.CreateClient();

        var workers = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<List<WorkerStatusDto>>(
            http, "/api/cluster/workers", QuantScope.Web.Setup.JsonDefaults.Options);

        Assert.Equal(3, workers!.Count);
        Assert.All(workers, w => Assert.Equal(TestWorkerCluster.Slots, w.Slots));
        Assert.All(workers, w => Assert.Contains(w.Devices, d => d.Kind == "cpu" && d.MemoryBytes > 0));
    }

    [Fact]
    public async Task Placement_CudaJobWithOnlyCpuWorkers_IsRefusedSoItWaits()
    {
        var grains = cluster.Get<IGrainFactory>();
        var directory = grains.GetGrain<IWorkerDirectoryGrain>(0);
        var workers = await directory.ListAsync();
        Assert.NotEmpty(workers);
        Assert.All(workers, w => Assert.DoesNotContain(w.Devices, d => d.Kind == "cuda")); // this CPU build reports none
        Assert.Equal(0, await directory.FreeSlotsAsync(new JobDemand("cuda"))); // the dispatcher's hint: nothing to try yet

        // The real placement path: the demand rides in the request context to FreeCapacityPlacementDirector.
        var job = Guid.NewGuid();
        new JobDemand("cuda", 1L << 30).Put(RequestContext.Set);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<IRunJobGrain>(job).EnsureAsync(new RunJobDto(job, "{}", 1), null!));
            Assert.Contains("with a free CUDA device for cuda", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            RequestContext.Clear();
        }
        Assert.DoesNotContain(job, cluster.RunningOnWorkers());
    }
}
