using QuantScope.Tests.Shared;
using Microsoft.Data.Sqlite;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Import;

/// <summary>The <c>import</c> verb in-process, end to end into a temporary database read back through the repositories.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-import-").FullName;

    private string DbPath => Path.Combine(_folder, "runs.db");

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.RunAsync(args);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static JsonElement LastLine(string stdout) => JsonDocument.Parse(stdout.TrimEnd('\n').Split('\n')[^1]).RootElement;

    [Fact]
    public async Task Import_NvInspectAuto_StoresExternalRunWithLayersAndSeries()
    {
        var file = Write("te_debug.log", """
            model.layers.0.mlp.fc2_activation_underflows% iteration=000002 value=50
            model.layers.1.mlp.fc2_activation_underflows% iteration=000002 value=25
            model.layers.1.mlp.fc2_weight_cur_amax iteration=000003 value=0.5
            model.layers.1.mlp.fc2_weight_cur_amax iteration=000004 value=bad
            """);

        var (code, output, error) = await Run("import", file, "--db", DbPath, "--name", "te run", "--json");

        Assert.True(code == 0, error);
        Assert.Equal("skipped line 4: value 'bad' is not a number\n", error);
        var result = LastLine(output);
        Assert.Equal(2, result.GetProperty("points").GetInt32());
        Assert.Equal(["amax", "underflowFraction"], result.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["line 4: value 'bad' is not a number"], result.GetProperty("skipped").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("nvinspect", result.GetProperty("format").GetString());

        await using var services = new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();
        var id = result.GetProperty("runId").GetGuid();
        var run = await services.GetRequiredService<RunRepository>().GetAsync(id, CancellationToken.None);
        Assert.NotNull(run);
        Assert.Equal((RunKinds.Imported, RunStatus.Completed, "te run", 3), (run.Kind, run.Status, run.Name, run.LastStep));
        Assert.Equal(["model.layers.0.mlp.fc2", "model.layers.1.mlp.fc2"], run.GetLayers());
        using (var config = JsonDocument.Parse(run.ConfigJson))
        {
            Assert.Equal(file, config.RootElement.GetProperty("source").GetString());
            Assert.Equal("nvinspect", config.RootElement.GetProperty("format").GetString());
        }

        var series = services.GetRequiredService<MetricSeriesRepository>();
        var underflow = await series.ReadHeatmapAsync(id, MetricCatalog.UnderflowFraction, TensorRoles.Input, CancellationToken.None);
        Assert.Equal([2], underflow.Steps);
        Assert.Equal([0.5f, 0.25f], underflow.Values[0]);
        var amax = await series.ReadLayerAsync(id, MetricCatalog.Amax, TensorRoles.Weight, 1, CancellationToken.None);
        Assert.Equal([new SeriesPoint(3, 0.5f)], amax);
    }

    [Fact]
    public async Task Import_CsvWithoutJson_PrintsSummaryAndStoresScalars()
    {
        var file = Write("metrics.csv", "step,loss\n1,2.5\n2,2.25\n");

        var (code, output, error) = await Run("import", file, "--format", "csv", "--db", DbPath);

        Assert.True(code == 0, error);
        Assert.StartsWith("Imported 2 points of 1 metrics (0 layers, format csv) as run ", output);
        await using var services = new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();
        var run = Assert.Single(await services.GetRequiredService<RunRepository>().ListAsync(CancellationToken.None));
        Assert.Equal("metrics.csv", run.Name);
        var loss = await services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(run.Id, "loss", CancellationToken.None);
        Assert.Equal([new SeriesPoint(1, 2.5f), new SeriesPoint(2, 2.25f)], loss);
    }

    [Theory]
    [InlineData("hello\nworld\n", "auto", "Cannot tell the format")]
    [InlineData("step,loss\n1,2\n", "xml", "Unknown format 'xml'")]
    [InlineData("noise only\n", "kv", "no data points found")]
    public async Task Import_Unusable_UsageErrorAndNoRun(string text, string format, string message)
    {
        var file = Write("bad.log", text);

        var (code, output, error) = await Run("import", file, "--format", format, "--db", DbPath);

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("", output);
        Assert.Contains(message, error);
        Assert.False(File.Exists(DbPath)); // rejected before the database is opened
    }

    [Fact]
    public async Task Import_OlmoLogAuto_ValuesAtTheStepOfTheirHeader()
    {
        var file = Write("olmo.log", """
            2024-05-01 10:00:00 INFO [step=120/15000,epoch=0]
                train/CrossEntropyLoss=2.998
                optim/total_grad_norm=0.71
            2024-05-01 10:00:09 INFO [step=121/15000,epoch=0]
                train/CrossEntropyLoss=2.991
            """);

        var (code, output, error) = await Run("import", file, "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        var result = LastLine(output);
        Assert.Equal("kv", result.GetProperty("format").GetString());
        await using var services = new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();
        var loss = await services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(
            result.GetProperty("runId").GetGuid(), "train/CrossEntropyLoss", CancellationToken.None);
        Assert.Equal([new SeriesPoint(120, 2.998f), new SeriesPoint(121, 2.991f)], loss);
    }

    [Fact]
    public async Task Import_StepColumnOption_ThatColumnIsTheStep()
    {
        var file = Write("metrics.csv", "epoch,step,train_loss\n0,49,2.31\n1,99,2.05\n");

        var (code, output, error) = await Run("import", file, "--step-column", "epoch", "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        await using var services = new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();
        var loss = await services.GetRequiredService<MetricSeriesRepository>().ReadScalarAsync(
            LastLine(output).GetProperty("runId").GetGuid(), "train_loss", CancellationToken.None);
        Assert.Equal([new SeriesPoint(0, 2.31f), new SeriesPoint(1, 2.05f)], loss);
    }

    [Fact]
    public async Task Import_StepLessCsv_RowNumbersWithANoteOnStderr()
    {
        var file = Write("losses.csv", "loss,lr\n2.5,0.001\n2.25,0.001\n");

        var (code, output, error) = await Run("import", file, "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        Assert.StartsWith("note: no step column", error);
        var result = LastLine(output);
        Assert.Equal(4, result.GetProperty("points").GetInt32());
        Assert.Contains("row number", result.GetProperty("notes")[0].GetString());
    }

    [Fact]
    public async Task Import_TensorBoardFolder_OneRunWithSubfolderPrefixes()
    {
        var runs = Path.Combine(_folder, "runs");
        Directory.CreateDirectory(Path.Combine(runs, "exp1", "validation"));
        File.WriteAllBytes(Path.Combine(runs, "exp1", "events.out.tfevents.1714557600.node01.1.0"),
            new TfEventsTestWriter().FileVersion().Scalars(100, ("loss", 2.5f)).ToArray());
        File.WriteAllBytes(Path.Combine(runs, "exp1", "validation", "events.out.tfevents.1714557601.node01.1.1"),
            new TfEventsTestWriter().FileVersion().Scalars(100, ("loss", 2.75f)).ToArray());

        var (code, output, error) = await Run("import", runs, "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        var result = LastLine(output);
        Assert.Equal("tfevents", result.GetProperty("format").GetString());
        Assert.Equal(["loss", "validation/loss"], result.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()));
        await using var services = new ServiceCollection().AddQuantScopeData(DbPath).BuildServiceProvider();
        var run = Assert.Single(await services.GetRequiredService<RunRepository>().ListAsync(CancellationToken.None));
        Assert.Equal("runs", run.Name);
    }

    [Theory]
    [InlineData(" iteration      1/  10 | lm loss: 3.2 |\n", "--step-column", "consumed samples", "can be named for csv, jsonl, kv logs only")]
    [InlineData("step,loss\n1,2\n", "--step-column", "samples", "Step column 'samples' is not in the CSV header")]
    public async Task Import_BadStepColumn_UsageErrorNamingIt(string text, string option, string value, string message)
    {
        var file = Write("train.log", text);

        var (code, _, error) = await Run("import", file, option, value, "--db", DbPath);

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains(message, error);
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task Import_MissingFile_UsageError()
    {
        var (code, _, error) = await Run("import", Path.Combine(_folder, "nope.csv"), "--db", DbPath);
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("does not exist", error);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
