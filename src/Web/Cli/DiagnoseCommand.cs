using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Web.Analysis;
using QuantScope.Web.Setup;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>diagnose --run ID [--db PATH] [--json]</c>: what went wrong in a stored run and what to try, the same findings as
/// <c>GET /api/runs/{id}/diagnosis</c> (critical first).
/// </summary>
public static class DiagnoseCommand
{
    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr) => RunVerb.Create(
        "diagnose", "Findings of the failure detectors on a stored run, each with its evidence and the fix to try.",
        "Id of the run to diagnose.", "", "Print {\"findings\": [...]} on one line.", stderr,
        (id, db, json, ct) => RunAsync(id, db, json, stdout, stderr, ct));

    /// <summary>The verb's work; returns the exit code (0, or 2 for an unknown run or a bad database).</summary>
    public static async Task<int> RunAsync(Guid id, string? dbPath, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = await CliDatabase.OpenAsync(CliDatabase.PathOf(dbPath), mustExist: true, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;
        var loader = new DiagnosisInputLoader(services.GetRequiredService<RunRepository>(), services.GetRequiredService<MetricSeriesRepository>());
        var findings = await new RunDiagnoser(loader).DiagnoseAsync(id, ct);
        if (findings is null)
        {
            await stderr.WriteLineAsync($"--run: no run has id {id}");
            return QuantScopeCli.UsageError;
        }

        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new { findings }, JsonDefaults.Options));
            return 0;
        }

        Write(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) }), findings);
        return 0;
    }

    private static void Write(IAnsiConsole console, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            console.WriteLine("No detector fired: nothing looks wrong in this run.");
            return;
        }

        var table = new Table();
        table.AddColumn("severity");
        table.AddColumn("finding");
        table.AddColumn("evidence");
        table.AddColumn("fix to try");
        foreach (var f in findings)
            table.AddRow(f.Severity.ToString().ToLowerInvariant(), Markup.Escape(f.Title), Markup.Escape(f.Evidence), Markup.Escape(f.Fix));
        console.Write(table);
    }
}
