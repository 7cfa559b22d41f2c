using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Export;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>export --run ID [--metric M] [--role R] [--layer L] --format png|svg|csv|parquet|zip --out FILE [--db PATH]</c>:
/// writes a heatmap picture or CSV, one series (CSV or Parquet) or the whole run (zip) from the dashboard's database,
/// through the same <see cref="RunExporter"/> as the REST API. Exit codes: 0 written, 1 unknown run, 2 bad usage or input.
/// </summary>
public static class ExportCommand
{
    /// <summary>Exit code when no run has the id.</summary>
    public const int RunNotFound = 1;

    /// <summary>Builds the verb: the path written to <paramref name="stdout"/>; errors to <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var run = new Option<Guid>("--run") { Description = "Id of the run (as in /runs/ID and GET /api/runs).", Required = true };
        var metric = new Option<string?>("--metric") { Description = "Metric name (e.g. overflowFraction, loss); not needed for zip." };
        var role = new Option<string?>("--role") { Description = "Tensor role of a per-layer metric: input (default), weight or grad." };
        var layer = new Option<string?>("--layer") { Description = "Full module name: export that layer's series (csv, parquet) instead of the heatmap." };
        var format = new Option<ExportFormat>("--format") { Description = "png, svg, csv, parquet or zip.", Required = true };
        var output = new Option<string>("--out") { Description = "File to write (its folder is created).", Required = true };
        var db = new Option<string?>("--db") { Description = $"SQLite database to read (default {new StorageOptions().DatabasePath}, relative to the current directory)." };
        var command = new Command("export", "Export a run's heatmap, series or the whole run to a file.") { run, metric, role, layer, format, output, db };
        command.SetAction((parsed, ct) => RunAsync(
            new ExportRequest(parsed.GetValue(run), parsed.GetValue(format), parsed.GetValue(metric), parsed.GetValue(role), parsed.GetValue(layer)),
            parsed.GetValue(output)!, parsed.GetValue(db), stdout, stderr, ct));
        return command;
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    public static async Task<int> RunAsync(ExportRequest request, string outPath, string? dbPath, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var database = CliDatabase.PathOf(dbPath);
        var services = await CliDatabase.OpenAsync(database, mustExist: true, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;

        await using (services)
        {
            var exporter = new RunExporter(services.GetRequiredService<RunRepository>(), services.GetRequiredService<MetricSeriesRepository>());
            var outcome = await exporter.ExportAsync(request, ct);
            if (outcome.RunNotFound)
            {
                await stderr.WriteLineAsync($"--run: no run has id {request.RunId} in '{database}'.");
                return RunNotFound;
            }
            if (outcome.File is not { } file)
            {
                foreach (var error in outcome.Errors) await stderr.WriteLineAsync($"--{error.Field}: {error.Message}.");
                return QuantScopeCli.UsageError;
            }

            var target = Path.GetFullPath(outPath);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, file.Content, ct);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"--out: cannot write '{target}': {ex.Message}");
                return QuantScopeCli.UsageError;
            }
            await stdout.WriteLineAsync(target);
            return 0;
        }
    }
}
