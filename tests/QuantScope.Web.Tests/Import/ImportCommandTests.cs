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
