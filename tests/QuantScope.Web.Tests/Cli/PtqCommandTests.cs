using Microsoft.Data.Sqlite;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The <c>ptq</c> verb in-process on a tiny run trained with the <c>run</c> verb into a temporary database.</summary>
public sealed class PtqCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-ptq-cli-").FullName;

    private string DbPath => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.RunAsync(args);

    private async Task<string> TrainAsync()
    {
        var config = Path.Combine(_folder, "config.json");
        await File.WriteAllTextAsync(config, """{"name":"p","model":"tiny","steps":4,"batchSize":2,"seqLen":16,"quant":null,"checkpointEvery":2}""");
        var (code, output, error) = await Run("run", "--config", config, "--db", DbPath, "--json");
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output.TrimEnd('\n').Split('\n')[^1]).RootElement.GetProperty("runId").GetString()!;
    }

    [Fact]
    public async Task Ptq_JsonWithSensitivity_PrintsTheReportLast()
    {
        var id = await TrainAsync();

        var (code, output, error) = await Run("ptq", "--run", id, "--db", DbPath, "--format", "int4", "--group-size", "16", "--sensitivity", "--keep", "1", "--json");

        Assert.True(code == 0, error);
        var report = JsonDocument.Parse(output.TrimEnd('\n').Split('\n')[^1]).RootElement;
        Assert.Equal("int4-g16", report.GetProperty("plan").GetString());
        Assert.Equal(14, report.GetProperty("sensitivity").GetArrayLength());
        Assert.Equal([2, 4], report.GetProperty("tokenCurve").EnumerateArray().Select(p => p.GetProperty("step").GetInt32()));
        Assert.Equal(JsonValueKind.Object, report.GetProperty("keepPlan").ValueKind);
    }

    [Fact]
    public async Task Ptq_Table_ShowsDegradationAndOutliers()
    {
        var id = await TrainAsync();

        var (code, output, error) = await Run("ptq", "--run", id, "--db", DbPath, "--preset", "nvfp4", "--activations", "--checkpoint", "2");

        Assert.True(code == 0, error);
        Assert.Contains("PTQ nvfp4 (weights + activations) of step 2", output);
        Assert.Contains("held-out loss", output);
        Assert.Contains("spectral norm", output);
    }

    [Fact]
    public async Task Ptq_BadInput_ExitCode2NamingTheOption()
    {
        var id = await TrainAsync();

        var (code, _, error) = await Run("ptq", "--run", id, "--db", DbPath, "--format", "int4", "--checkpoint", "3");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("--checkpoint: no checkpoint at step 3", error);

        (code, _, error) = await Run("ptq", "--run", Guid.NewGuid().ToString(), "--db", DbPath, "--format", "int4");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("--run", error);

        (code, _, error) = await Run("ptq", "--run", id, "--db", DbPath, "--format", "e4m3", "--group-size", "32");
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("--group-size", error);
    }
}
