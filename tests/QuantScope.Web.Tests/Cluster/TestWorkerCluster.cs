using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orleans;
using Orleans.Configuration;
using Orleans.TestingHost;
using QuantScope.Web.Cluster;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Cluster;

/// <summary>
/// Three worker silos in this process (Orleans' InProcessTestCluster: real silos, real placement, real membership) and
/// the dashboard on a TestServer with <c>Cluster:Enabled</c>, using the test cluster's client. Checkpoints of all silos
/// go to one temporary folder (the shared disk).
/// </summary>
public sealed class TestWorkerCluster : IAsyncLifetime
{
    /// <summary>Slots per worker silo.</summary>
    public const int Slots = 2;

    private readonly QuantScopeWebFactory _baseFactory = new();

    /// <summary>Folder all silos share for checkpoints.</summary>
    public string CheckpointRoot { get; } = Path.Combine(Path.GetTempPath(), $"quantscope-cluster-{Guid.NewGuid():N}");

    /// <summary>The worker silos.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The dashboard.</summary>
    public WebApplicationFactory<Program> Dashboard { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((silo, siloBuilder) =>
        {
            siloBuilder.AddQuantScopeWorker(new ClusterModeOptions
            {
                Slots = Slots, HeartbeatSeconds = 0.3, CheckpointRoot = CheckpointRoot, WorkerName = silo.SiloName,
            });
            // Declare a killed silo dead within a few seconds (defaults take tens of seconds).
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        var client = Cluster.Client;
        Dashboard = _baseFactory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Cluster:Enabled", "true");
            b.UseSetting("Cluster:PollSeconds", "0.2");
            b.ConfigureServices(s => s.AddSingleton<IGrainFactory>(client));
        });
        _ = Dashboard.Services; // builds the host
        await WaitForWorkersAsync(3);
    }

    /// <summary>A dashboard service.</summary>
    public T Get<T>() where T : notnull => Dashboard.Services.GetRequiredService<T>();

    /// <summary>The silo whose worker is named <paramref name="name"/>.</summary>
    public InProcessSiloHandle SiloNamed(string name) => Cluster.Silos.Single(s => s.Name == name);

    /// <summary>The runs training on each live silo now.</summary>
    public IReadOnlyList<Guid> RunningOnWorkers() => Cluster.Silos.Where(s => s.IsActive)
        .SelectMany(s => s.ServiceProvider.GetRequiredService<WorkerRunHost>().Running).ToList();

    /// <summary>Waits until the directory lists <paramref name="count"/> workers.</summary>
    public async Task WaitForWorkersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Cluster.Client.GetGrain<IWorkerDirectoryGrain>(0).ListAsync()).Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} workers announced themselves");
            await Task.Delay(100);
        }
    }

    /// <summary>Starts a sweep over seeds 1..<paramref name="runs"/> of a tiny model trained <paramref name="steps"/> steps.</summary>
    public async Task<SweepCreatedDto> StartSweepAsync(int runs, int steps, int checkpointEvery = 0)
    {
        var seeds = string.Join(",", Enumerable.Range(1, runs));
        var json = "{\"name\":\"cluster\",\"base\":{\"model\":{\"layers\":1,\"dModel\":32,\"heads\":2,\"ffnDim\":64,\"contextLength\":32},"
            + $"\"steps\":{steps},\"batchSize\":2,\"seqLen\":16,\"checkpointEvery\":{checkpointEvery}}},\"grid\":{{\"seed\":[{seeds}]}}}}";
        var (created, errors) = await Get<SweepService>().CreateAsync(json, CancellationToken.None);
        Assert.Empty(errors);
        return created!;
    }

    /// <summary>Polls until the run's recorded status is one of <paramref name="statuses"/> (or 180 s pass); returns it.</summary>
    public async Task<RunEntity> WaitForStatusAsync(Guid runId, params RunStatus[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var run = (await Get<RunRepository>().GetAsync(runId, CancellationToken.None))!;
            if (statuses.Contains(run.Status) || DateTime.UtcNow > deadline) return run;
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until the run has stored a step at or past <paramref name="step"/> (or 180 s pass).</summary>
    public async Task<RunEntity> WaitForStepAsync(Guid runId, int step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var run = (await Get<RunRepository>().GetAsync(runId, CancellationToken.None))!;
            if (run.LastStep >= step || DateTime.UtcNow > deadline) return run;
            await Task.Delay(50);
        }
    }

    /// <summary>The steps of the run's stored loss series, in order.</summary>
    public async Task<IReadOnlyList<int>> LossStepsAsync(Guid runId) =>
        (await Get<MetricSeriesRepository>().ReadScalarPointsAsync(runId, CancellationToken.None))
            .Where(p => p.Metric == MetricCatalog.Loss).Select(p => p.Step).ToList();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Dashboard.DisposeAsync();
        await _baseFactory.DisposeAsync();
        await Cluster.DisposeAsync();
        if (Directory.Exists(CheckpointRoot)) Directory.Delete(CheckpointRoot, recursive: true);
    }
}
