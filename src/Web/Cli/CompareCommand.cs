using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>compare --run A --baseline B [--metric loss] [--last K] [--db PATH] [--json]</c>: APE of run A's series against
/// run B's over their common steps (the same numbers as <c>GET /api/compare</c>).
/// </summary>
public static class CompareCommand
{
    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var run = new Option<string>("--run") { Description = "Id of the run to compare.", Required = true };
        var baseline = new Option<string>("--baseline") { Description = "Id of the reference run.", Required = true };
        var metric = new Option<string>("--metric") { Description = "Scalar metric (default loss).", DefaultValueFactory = _ => MetricCatalog.Loss };
        var last = new Option<int>("--last") { Description = "K of the last-K mean (default 1000).", DefaultValueFactory = _ => 1000 };
        var db = new Option<string?>("--db") { Description = $"SQLite database (default {new StorageOptions().DatabasePath})." };
        var json = new Option<bool>("--json") { Description = "Print {\"lossApe\": {\"meanPct\", \"lastPct\", \"steps\"}} on one line." };
        var command = new Command("compare", "Loss APE of one run against another over their common steps.") { run, baseline, metric, last, db, json };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetValue(run)!, parsed.GetValue(baseline)!, parsed.GetValue(metric)!, parsed.GetValue(last),
            parsed.GetValue(db), parsed.GetValue(json), stdout, stderr, ct));
        return command;
    }

    /// <summary>The verb's work; returns the exit code (0, or 2 for a bad id, metric or database).</summary>
    public static async Task<int> RunAsync(string run, string baseline, string metric, int last, string? dbPath, bool json,
        TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!Guid.TryParse(run, out var a)) return await FailAsync(stderr, "--run", "must be a run id");
        if (!Guid.TryParse(baseline, out var b)) return await FailAsync(stderr, "--baseline", "must be a run id");
        await using var services = await CliDatabase.OpenAsync(CliDatabase.PathOf(dbPath), mustExist: true, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;
        var comparer = new RunComparer(services.GetRequiredService<RunRepository>(), services.GetRequiredService<MetricSeriesRepository>());
        var (result, field, error) = await comparer.CompareAsync(a, b, metric, last, ct);
        if (result is null) return await FailAsync(stderr, "--" + field, error!);

        var ape = result.LossApe;
        await stdout.WriteLineAsync(json
            ? JsonSerializer.Serialize(result, JsonDefaults.Options)
            : string.Create(CultureInfo.InvariantCulture, $"{metric} APE over {ape.Steps} common steps: mean {ape.MeanPct:F4} %, last {Math.Min(last, ape.Steps)} steps {ape.LastPct:F4} %"));
        return 0;
    }

    private static async Task<int> FailAsync(TextWriter stderr, string field, string message)
    {
        await stderr.WriteLineAsync($"{field}: {message}");
        return QuantScopeCli.UsageError;
    }
}
