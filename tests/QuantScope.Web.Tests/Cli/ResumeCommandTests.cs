using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The <c>resume</c> verb in-process: a <c>run</c> cancelled after a few checkpoints, then resumed to the end.</summary>
public sealed class ResumeCommandTests : IDisposable
{
    private const int Steps = 200;
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-resume-cli-").FullName;

    private string DbPath => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider OpenDb() => new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();

    [Fact]
    public async Task Resume_CancelledRun_Exit0_CompletesWithOnePointPerStep()
    {
        var config = Path.Combine(_folder, "config.json");
        File.WriteAllText(config, $$"""{"name":"r","model":"tiny","steps":{{Steps}},"batchSize":2,"seqLen":16,"checkpointEvery":5}""");
        using var cts = new CancellationTokenSource();
        var running = CliRun.RunAsync(["run", "--config", config, "--db", DbPath, "--json"], cts.Token);
        Guid id;
        await using (var db = OpenDb())
        {
            id = await WaitForStepAsync(db.GetRequiredService<RunRepository>(), running, 12);
        }

        await cts.CancelAsync();
        Assert.Equal(RunCommand.Cancelled, (await running).Code);

        var (code, output, error) = await CliRun.RunAsync(["resume", "--run", id.ToString(), "--db", DbPath, "--json"]);
        Assert.True(code == 0, error);
        Assert.Contains($"Resuming run {id} after step", error, StringComparison.Ordinal);
        var summary = JsonDocument.Parse(output.TrimEnd('\n').Split('\n')[^1]).RootElement;
        Assert.Equal(("completed", Steps), (summary.GetProperty("status").GetString(), summary.GetProperty("steps").GetInt32()));
        await using var check = OpenDb();
        Assert.Equal(RunStatus.Completed, (await check.GetRequiredService<RunRepository>().GetAsync(id, CancellationToken.None))!.Status);
        var loss = await check.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(id, MetricCatalog.Loss, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, Steps), loss.Select(p => p.Step));

        var again = await CliRun.RunAsync(["resume", "--run", id.ToString(), "--db", DbPath]);
        Assert.Equal((QuantScopeCli.UsageError, true), (again.Code, again.Err.Contains("completed", StringComparison.Ordinal)));
        var unknown = await CliRun.RunAsync(["resume", "--run", Guid.NewGuid().ToString(), "--db", DbPath]);
        Assert.Equal((QuantScopeCli.UsageError, true), (unknown.Code, unknown.Err.Contains("--run", StringComparison.Ordinal)));
    }

    // Polls until the only run has stored points up to `step`; the database may not exist or be migrated yet at first.
    private static async Task<Guid> WaitForStepAsync(RunRepository runs, Task run, int step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            try
            {
                if ((await runs.ListAsync(CancellationToken.None)).FirstOrDefault() is { } r && r.LastStep >= step) return r.Id;
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                // not created yet
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The run did not reach the step in time.");
    }
}
