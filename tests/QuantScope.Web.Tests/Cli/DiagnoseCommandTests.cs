using System.Globalization;
using System.Text;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The <c>diagnose</c> verb in-process on runs imported into a temporary database.</summary>
public sealed class DiagnoseCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-diagnose-").FullName;

    private string DbPath => Path.Combine(_folder, "runs.db");

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.RunAsync(args);

    // A loss curve 2.0 - 0.01·step with a ±0.001 wiggle, and optionally a jump to 6.0 at one step.
    private async Task<string> ImportLossAsync(string name, int? spikeAt)
    {
        var csv = new StringBuilder("step,loss\n");
        for (var step = 0; step < 60; step++)
        {
            var loss = step == spikeAt ? 6.0 : 2.0 - 0.01 * step + (step % 2 == 0 ? 0.001 : -0.001);
            csv.Append(CultureInfo.InvariantCulture, $"{step},{loss}\n");
        }

        var path = Path.Combine(_folder, name + ".csv");
        await File.WriteAllTextAsync(path, csv.ToString());
        var (code, output, error) = await Run("import", path, "--db", DbPath, "--json");
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output.TrimEnd('\n').Split('\n')[^1]).RootElement.GetProperty("runId").GetString()!;
    }

    [Fact]
    public async Task Diagnose_LossSpike_ReportsDivergenceWithTheStep()
    {
        var id = await ImportLossAsync("spiky", spikeAt: 45);

        var (code, output, error) = await Run("diagnose", "--run", id, "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        var findings = JsonDocument.Parse(output).RootElement.GetProperty("findings").EnumerateArray().ToArray();
        var divergence = Assert.Single(findings, f => f.GetProperty("detector").GetString() == "divergence");
        Assert.Contains(45, divergence.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        Assert.False(string.IsNullOrWhiteSpace(divergence.GetProperty("fix").GetString()));
    }

    [Fact]
    public async Task Diagnose_HealthyRun_SaysNothingFiredInTheTable()
    {
        var id = await ImportLossAsync("smooth", spikeAt: null);

        var (code, output, error) = await Run("diagnose", "--run", id, "--db", DbPath);

        Assert.True(code == 0, error);
        Assert.Contains("No detector fired", output);
    }

    [Fact]
    public async Task Diagnose_UnknownOrMalformedRun_NamesTheOption()
    {
        await ImportLossAsync("any", spikeAt: null);

        var (code, _, error) = await Run("diagnose", "--run", Guid.NewGuid().ToString(), "--db", DbPath);
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.StartsWith("--run: no run has id", error);

        (code, _, error) = await Run("diagnose", "--run", "not-a-guid", "--db", DbPath);
        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Equal("--run: must be a run id\n", error);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
