using Microsoft.Data.Sqlite;
using QuantScope.Web.Cli;

namespace QuantScope.Web.Tests.Cli;

/// <summary>The <c>sweep</c> verb in-process: a tiny 2×1 sweep into a temporary database.</summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("quantscope-sweep-").FullName;

    private string DbPath => Path.Combine(_folder, "runs.db");

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRun.RunAsync(args);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "sweep.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task Sweep_TwoByOneJson_RecordsTaggedRunsAndFitRefusesTooFewPoints()
    {
        var config = Write("""
            {"name":"cli","base":{"model":"tiny","steps":3,"batchSize":2,"seqLen":16,"baseline":true,"quant":{"preset":"w4a4-g128"}},
             "grid":{"quant.format":["int4-g16","int4-g32"],"seed":[2]}}
            """);

        var (code, output, error) = await Run("sweep", "--config", config, "--db", DbPath, "--json");

        Assert.True(code == 0, error);
        var sweep = JsonDocument.Parse(output.TrimEnd('\n').Split('\n')[^1]).RootElement;
        Assert.Equal("completed", sweep.GetProperty("status").GetString());
        var runs = sweep.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["int4-g16", "int4-g32"], runs.Select(r => r.GetProperty("grid").GetProperty("quant.format").GetString()));
        Assert.All(runs, r => Assert.Equal("completed", r.GetProperty("status").GetString()));

        var id = sweep.GetProperty("id").GetString()!;
        var (fitCode, _, fitError) = await Run("sweep", "fit", "--sweep", id, "--law", "chen2025-w4a4", "--db", DbPath);
        Assert.Equal(QuantScopeCli.UsageError, fitCode);
        Assert.Contains("needs at least 5", fitError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_BadGrid_Exit2NamingTheField()
    {
        var (code, _, error) = await Run("sweep", "--config", Write("""{"grid":{"dropout":[0.5,1.5]}}"""), "--db", DbPath);

        Assert.Equal(QuantScopeCli.UsageError, code);
        Assert.Contains("grid.dropout: value 1.5", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
