using Microsoft.Data.Sqlite;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The <c>run</c> verb in-process: tiny real runs into a temporary database, read back through the repositories.</summary>
public sealed class RunCommandTests : IDisposable
{
    private const string TinyConfig = """{"name":"t","model":"tiny","steps":6,"batchSize":2,"seqLen":16,"baseline":true,"evalEvery":6}""";

    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-run-").FullName;

    private string DbPath => Path.Combine(_folder, "db", "runs.db");

    private Task<(int Code, string Out, string Err)> Run(CancellationToken ct, params string[] args) => CliRun.RunAsync(args, ct);

    private string WriteConfig(string json, string name = "config.json")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static JsonElement LastLine(string stdout) =>
        JsonDocument.Parse(stdout.TrimEnd('\n').Split('\n')[^1]).RootElement;

    private ServiceProvider OpenDb() => new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();

    [Fact]
    public async Task Run_Json_PrintsSummaryLastAndRecordsRunAndLoss()
    {
        var (code, output, error) = await Run(default, "run", "--config", WriteConfig(TinyConfig), "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        Assert.Single(output.TrimEnd('\n').Split('\n')); // the progress bar went to stderr: stdout is just the summary
        var summary = LastLine(output);
        Assert.Equal("completed", summary.GetProperty("status").GetString());
        Assert.Equal(6, summary.GetProperty("steps").GetInt32());
        Assert.True(summary.GetProperty("lossApe").GetProperty("meanPct").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Number, summary.GetProperty("baseline").GetProperty("finalLoss").ValueKind);
        Assert.Equal(JsonValueKind.Object, summary.GetProperty("forgetting").ValueKind);
        var tasks = summary.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["continuation", "facts"], tasks.Order()); // as a set; reasoning's endings do not fit tiny's context

        await using var db = OpenDb();
        var id = summary.GetProperty("runId").GetGuid();
        var run = await db.GetRequiredService<RunRepository>().GetAsync(id, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal((RunKinds.Engine, RunStatus.Completed, "t"), (run.Kind, run.Status, run.Name));
        Assert.NotEmpty(run.GetLayers());
        Assert.NotEqual("{}", run.PlanJson);
        Assert.Equal("completed", JsonDocument.Parse(run.SummaryJson!).RootElement.GetProperty("status").GetString());
        var loss = await db.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(id, MetricCatalog.Loss, CancellationToken.None);
        Assert.Equal([0, 1, 2, 3, 4, 5], loss.Select(p => p.Step));
    }

    [Fact]
    public async Task Run_QuantNull_TableOnStdout_SaturationNullInStoredSummary()
    {
        var config = """{"name":"plain","model":"tiny","steps":3,"batchSize":2,"seqLen":16,"quant":null}""";
        var (code, output, error) = await Run(default, "run", "--config", WriteConfig(config), "--db", DbPath);

        Assert.True(code == 0, error);
        Assert.Contains("completed", output);
        Assert.Contains("final loss", output);
        await using var db = OpenDb();
        var run = Assert.Single(await db.GetRequiredService<RunRepository>().ListAsync(CancellationToken.None));
        var summary = JsonDocument.Parse(run.SummaryJson!).RootElement;
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("saturation").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("lossApe").ValueKind); // no baseline
    }

    [Fact]
    public async Task Run_RelativeDataPath_ResolvesAgainstConfigFolder()
    {
        var configDir = Directory.CreateDirectory(Path.Combine(_folder, "exp")).FullName;
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 20)); // ~900 bytes
        File.WriteAllText(Path.Combine(configDir, "corpus.txt"), text);
        var config = """{"name":"text","model":"tiny","steps":2,"batchSize":2,"seqLen":16,"quant":null,"data":{"kind":"text","path":"corpus.txt"}}""";

        // The working directory (the test's) is not the config's folder.
        var (code, output, error) = await Run(default, "run", "--config", WriteConfig(config, "exp/config.json"), "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        Assert.Equal("completed", LastLine(output).GetProperty("status").GetString());
        await using var db = OpenDb();
        var run = Assert.Single(await db.GetRequiredService<RunRepository>().ListAsync(CancellationToken.None));
        var stored = JsonDocument.Parse(run.ConfigJson).RootElement.GetProperty("data").GetProperty("path").GetString();
        Assert.Equal(Path.Combine(configDir, "corpus.txt"), stored); // stored absolute, so it means the same file to the dashboard
    }

    [Theory]
    [InlineData("""{"name":"t","model":"tiny","steps":0}""", "steps: ")]
    [InlineData("""{"name":"t","model":"tiny","data":{"kind":"text","path":"missing.txt"}}""", "data.path: ")]
    [InlineData("""{"name":"t","model":"tiny","stepz":3}""", "stepz: ")]
    [InlineData("""{"name":"t",""", "$: ")]
    [InlineData("""{"name":"t","model":"tiny","device":"cuda"}""", "device: 'cuda' is not available: this is a CPU-only build")]
    [InlineData("""{"name":"t","model":"tiny","device":"gpu"}""", "device: must be one of: auto, cpu, cuda, cuda:N")]
    public async Task Run_BadConfig_Exit2_NamesField(string config, string expected)
    {
        var (code, output, error) = await Run(default, "run", "--config", WriteConfig(config), "--db", DbPath, "--json");

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(DbPath)); // rejected before the database was touched
    }

    [Fact]
    public async Task Run_DataTooShortForTrainer_Exit2_NothingRecorded()
    {
        File.WriteAllText(Path.Combine(_folder, "short.txt"), "too short to train on");
        var config = """{"name":"t","model":"tiny","steps":2,"batchSize":2,"seqLen":16,"data":{"kind":"text","path":"short.txt"}}""";
        var (code, output, error) = await Run(default, "run", "--config", WriteConfig(config), "--db", DbPath, "--json");

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains("too short", error);
        await using var db = OpenDb();
        Assert.Empty(await db.GetRequiredService<RunRepository>().ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Run_MissingConfigFile_Exit2_NamesPath()
    {
        var path = Path.Combine(_folder, "nope.json");
        var (code, output, error) = await Run(default, "run", "--config", path, "--db", DbPath);

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains(path, error);
    }

    [Fact]
    public async Task Run_CancelledMidRun_Exit130_StatusCancelledPrintedAndStored()
    {
        var config = """{"name":"long","model":"tiny","steps":100000,"batchSize":2,"seqLen":16}""";
        using var cts = new CancellationTokenSource();
        var running = Run(cts.Token, "run", "--config", WriteConfig(config), "--db", DbPath, "--json");
        await using (var db = OpenDb())
        {
            await WaitForRunningAsync(db.GetRequiredService<MetricSeriesRepository>(), db.GetRequiredService<RunRepository>(), running);
        }

        await cts.CancelAsync();
        var (code, output, error) = await running;

        Assert.Equal(RunCommand.Cancelled, code);
        Assert.Contains("cancelled", error, StringComparison.OrdinalIgnoreCase);
        var summary = LastLine(output);
        Assert.Equal("cancelled", summary.GetProperty("status").GetString());
        Assert.InRange(summary.GetProperty("steps").GetInt32(), 1, 99_999);
        await using var check = OpenDb();
        var run = await check.GetRequiredService<RunRepository>().GetAsync(summary.GetProperty("runId").GetGuid(), CancellationToken.None);
        Assert.Equal(RunStatus.Cancelled, run!.Status);
    }

    // Polls until the run has stored its first loss point; the database may not exist or be migrated yet at first.
    private static async Task WaitForRunningAsync(MetricSeriesRepository series, RunRepository runs, Task run)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            try
            {
                foreach (var r in await runs.ListAsync(CancellationToken.None))
                {
                    if ((await series.ReadScalarAsync(r.Id, MetricCatalog.Loss, CancellationToken.None)).Count > 0) return;
                }
            }
            catch (SqliteException)
            {
                // not created or not migrated yet
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The run never stored a loss point.");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
