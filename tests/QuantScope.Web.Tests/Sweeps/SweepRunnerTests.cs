using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Tests.Sweeps;

/// <summary>Real tiny sweeps through the web host's run coordinator.</summary>
public sealed class SweepRunnerTests : IClassFixture<QuantScopeWebFactory>
{
    private const string TwoByOne = """
        {"name":"t","base":{"model":{"layers":1,"dModel":32,"heads":2,"ffnDim":64,"contextLength":32},"steps":4,"batchSize":2,"seqLen":16,"baseline":true,"quant":{"preset":"w4a4-g128"}},
         "grid":{"quant.format":["int4-g16","int4-g32"],"seed":[1]}}
        """;

    private readonly QuantScopeWebFactory _factory;

    public SweepRunnerTests(QuantScopeWebFactory factory)
    {
        _factory = factory;
        _ = factory.Services; // builds the host
    }

    private T Get<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    [Fact]
    public async Task Start_TwoByOneGrid_RunsBothTaggedWithTheirValues()
    {
        var (created, errors) = await Get<SweepService>().CreateAsync(TwoByOne, CancellationToken.None);
        Assert.Empty(errors);
        Assert.Equal(2, created!.Runs.Count);

        await Get<SweepRunner>().WaitAsync(created.SweepId).WaitAsync(TimeSpan.FromSeconds(120));
        // The last run's end is queued behind its points: wait until it is recorded.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        SweepDto sweep;
        do
        {
            sweep = (await Get<SweepRepository>().GetAsync(created.SweepId, CancellationToken.None))!;
            await Task.Delay(50);
        }
        while (sweep.Runs!.Any(r => r.Status != RunStatus.Completed) && DateTime.UtcNow < deadline);

        Assert.Equal(RunStatus.Completed, sweep.Status);
        var runs = sweep.Runs!;
        Assert.Equal(created.Runs, runs.Select(r => r.Id));
        Assert.All(runs, r => Assert.Equal(RunStatus.Completed, r.Status));
        Assert.Equal(["int4-g16", "int4-g32"], runs.Select(r => r.Grid["quant.format"].GetString()));
        Assert.Equal([16, 32], runs.Select(r => r.Metrics.GroupSize));
        Assert.All(runs, r => Assert.NotNull(r.Metrics.Delta));
        Assert.All(runs, r => Assert.Equal(4L * 2 * 16, r.Metrics.Tokens));
        var run = await Get<RunRepository>().GetAsync(created.Runs[0], CancellationToken.None);
        Assert.Contains($"\"sweep:{created.SweepId}\"", run!.TagsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_RunningSweep_CancelsTheRestAndSaysSo()
    {
        var json = TwoByOne.Replace("\"steps\":4", "\"steps\":100000", StringComparison.Ordinal);
        var (created, _) = await Get<SweepService>().CreateAsync(json, CancellationToken.None);
        var runner = Get<SweepRunner>();

        Assert.True(runner.Cancel(created!.SweepId));
        await runner.WaitAsync(created.SweepId).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(runner.Cancel(created.SweepId));
        Assert.Equal(RunStatus.Cancelled, runner.StateOf(created.SweepId));
        var last = await Get<RunRepository>().GetAsync(created.Runs[1], CancellationToken.None);
        Assert.Equal(RunStatus.Cancelled, last!.Status);
    }

    [Fact]
    public async Task Cancel_WhileTheFirstRunTrains_CancelsTheRunningRunToo()
    {
        var json = TwoByOne.Replace("\"steps\":4", "\"steps\":100000", StringComparison.Ordinal).Replace("\"t\"", "\"t2\"", StringComparison.Ordinal);
        var (created, _) = await Get<SweepService>().CreateAsync(json, CancellationToken.None);
        var runs = Get<RunRepository>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await runs.GetAsync(created!.Runs[0], CancellationToken.None))!.LastStep < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first run did not start training");
            await Task.Delay(100);
        }

        Assert.True(Get<SweepRunner>().Cancel(created.SweepId));

        deadline = DateTime.UtcNow.AddSeconds(60);
        RunEntity first;
        while ((first = (await runs.GetAsync(created.Runs[0], CancellationToken.None))!).Status == RunStatus.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the running run kept training after the sweep was cancelled");
            await Task.Delay(100);
        }
        Assert.Equal(RunStatus.Cancelled, first.Status);
        Assert.False(await Get<QuantScope.Web.Runs.RunControl>().IsTrainingAsync(created.Runs[0], CancellationToken.None));
    }
}
