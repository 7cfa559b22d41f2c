using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Import;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>import FILE [--format auto|csv|jsonl|kv|nvinspect|tfevents] [--name NAME] [--db PATH] [--json]</c>: reads an
/// external training log into the dashboard's database as a run of kind <c>external</c>. What was skipped goes to
/// stderr, one line each; the result to stdout (with <c>--json</c> as its last line, one JSON object).
/// Exit codes: 0 imported (possibly with skips), 1 database error, 2 bad usage or nothing importable.
/// </summary>
public static class ImportCommand
{
    /// <summary>Exit code when the database could not be written.</summary>
    public const int WriteFailed = 1;

    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("file") { Description = "The log file to import." };
        var format = new Option<string>("--format")
        {
            Description = $"Log format: {ImportFormats.Auto} (sniff), {string.Join(", ", ImportFormats.Concrete)}.",
            DefaultValueFactory = _ => ImportFormats.Auto,
        };
        var name = new Option<string?>("--name") { Description = "Run name (default: the file name)." };
        var db = new Option<string?>("--db") { Description = $"SQLite database to record the run in (default {new StorageOptions().DatabasePath}, relative to the current directory)." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object on the last stdout line." };
        var command = new Command("import", "Import an external training log (CSV, JSON Lines, key=value logs, TE debug stats, TensorBoard events) as a run.")
        {
            file, format, name, db, json,
        };
        command.SetAction((parsed, ct) => RunAsync(
            parsed.GetValue(file)!, parsed.GetValue(format)!, parsed.GetValue(name), parsed.GetValue(db), parsed.GetValue(json), stdout, stderr, ct));
        return command;
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        string filePath, string format, string? name, string? dbPath, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var path = Path.GetFullPath(filePath);
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"import: file '{filePath}' does not exist (looked for {path}).");
            return QuantScopeCli.UsageError;
        }

        string resolved;
        ImportedSeries series;
        try
        {
            await using var stream = File.OpenRead(path);
            (resolved, series) = LogImporter.Read(stream, format, Path.GetFileName(path), ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"import: {ex.Message}");
            return QuantScopeCli.UsageError;
        }

        foreach (var skipped in series.Skipped) await stderr.WriteLineAsync($"skipped {skipped}");
        if (series.PointCount == 0)
        {
            await stderr.WriteLineAsync($"import: no data points found in '{filePath}' (format {resolved}).");
            return QuantScopeCli.UsageError;
        }

        var database = CliDatabase.PathOf(dbPath);
        var services = await CliDatabase.OpenAsync(database, mustExist: false, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;

        await using (services)
        {
            ImportResult result;
            try
            {
                var writer = new ImportedRunWriter(services.GetRequiredService<RunRepository>(), services.GetRequiredService<MetricSeriesWriter>());
                result = await writer.WriteAsync(series, name ?? Path.GetFileName(path), path, resolved, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await stderr.WriteLineAsync($"import: writing the run failed: {ex.Message}");
                return WriteFailed;
            }

            if (json)
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, JsonDefaults.Options));
            }
            else
            {
                await stdout.WriteLineAsync(
                    $"Imported {result.Points} points of {result.Metrics.Count} metrics ({result.Layers} layers, format {result.Format}) as run {result.RunId}"
                    + (result.Skipped.Count > 0 ? $"; skipped {result.Skipped.Count} (see stderr)." : "."));
            }
            return 0;
        }
    }
}
