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
/// <c>import PATH [--format auto|csv|jsonl|kv|megatron|nvinspect|tfevents] [--step-column NAME] [--name NAME] [--db PATH]
/// [--json]</c>: reads an external training log (or a folder of TensorBoard runs) into the dashboard's database as a
/// run of kind <c>imported</c>. What was skipped goes to stderr, one line each, and so do the notes (what the reader
/// assumed); the result to stdout (with <c>--json</c> as its last line, one JSON object).
/// Exit codes: 0 imported (possibly with skips), 1 database error, 2 bad usage or nothing importable.
/// </summary>
public static class ImportCommand
{
    /// <summary>Exit code when the database could not be written.</summary>
    public const int WriteFailed = 1;

    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("path") { Description = "The log file to import, or a folder of TensorBoard runs (every *.tfevents.* file below it, as one run)." };
        var format = new Option<string>("--format")
        {
            Description = $"Log format: {ImportFormats.Auto} (sniff), {string.Join(", ", ImportFormats.Concrete)}.",
            DefaultValueFactory = _ => ImportFormats.Auto,
        };
        var stepColumn = new Option<string?>("--step-column")
        {
            Description = $"The column (csv), property (jsonl) or key (kv) holding the step (default: the first found of {string.Join(", ", ImportNumbers.StepNames)}; none: the row number).",
        };
        var name = new Option<string?>("--name") { Description = "Run name (default: the file or folder name)." };
        var db = new Option<string?>("--db") { Description = $"SQLite database to record the run in (default {new StorageOptions().DatabasePath}, relative to the current directory)." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object on the last stdout line." };
        var command = new Command("import", "Import an external training log (CSV, JSON Lines, key=value and OLMo logs, Megatron logs, TE debug stats, TensorBoard events or a folder of them) as a run.")
        {
            file, format, stepColumn, name, db, json,
        };
        command.SetAction((parsed, ct) => RunAsync(
            new ImportArguments(parsed.GetValue(file)!, parsed.GetValue(format)!, parsed.GetValue(stepColumn), parsed.GetValue(name), parsed.GetValue(db), parsed.GetValue(json)),
            stdout, stderr, ct));
        return command;
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    public static async Task<int> RunAsync(ImportArguments arguments, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var path = Path.GetFullPath(arguments.Path);
        var isFolder = Directory.Exists(path);
        if (!isFolder && !File.Exists(path))
        {
            await stderr.WriteLineAsync($"import: file '{arguments.Path}' does not exist (looked for {path}).");
            return QuantScopeCli.UsageError;
        }

        string resolved;
        ImportedSeries series;
        try
        {
            if (isFolder)
            {
                (resolved, series) = LogImporter.ReadFolder(path, arguments.Format, arguments.StepColumn, ct);
            }
            else
            {
                await using var stream = File.OpenRead(path);
                (resolved, series) = LogImporter.Read(stream, arguments.Format, Path.GetFileName(path), arguments.StepColumn, ct);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"import: {ex.Message}");
            return QuantScopeCli.UsageError;
        }

        foreach (var note in series.Notes) await stderr.WriteLineAsync($"note: {note}");
        foreach (var skipped in series.Skipped) await stderr.WriteLineAsync($"skipped {skipped}");
        if (series.PointCount == 0)
        {
            await stderr.WriteLineAsync($"import: no data points found in '{arguments.Path}' (format {resolved}).");
            return QuantScopeCli.UsageError;
        }

        var database = CliDatabase.PathOf(arguments.Db);
        var services = await CliDatabase.OpenAsync(database, mustExist: false, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;

        await using (services)
        {
            ImportResult result;
            try
            {
                var writer = new ImportedRunWriter(services.GetRequiredService<RunRepository>(), services.GetRequiredService<MetricSeriesWriter>());
                result = await writer.WriteAsync(series, arguments.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(path)), path, resolved, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await stderr.WriteLineAsync($"import: writing the run failed: {ex.Message}");
                return WriteFailed;
            }

            if (arguments.Json)
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
