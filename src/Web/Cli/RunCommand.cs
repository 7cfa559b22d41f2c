using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>run --config FILE [--db PATH] [--json]</c>: runs an experiment headless into the dashboard's database, with a
/// progress bar on stderr. Prints the run summary to stdout (with <c>--json</c> as its last line, one JSON object).
/// Exit codes: 0 completed, 1 the run failed (diverged, database error), 2 bad config or usage, 130 cancelled.
/// </summary>
public static class RunCommand
{
    /// <summary>Exit code of a run that started and failed (it is recorded as failed, with its reason).</summary>
    public const int RunFailed = 1;

    /// <summary>Exit code of a cancelled run (128 + SIGINT, as shells report Ctrl+C).</summary>
    public const int Cancelled = 130;

    /// <summary>Builds the verb: summary to <paramref name="stdout"/>; progress, errors and config problems to <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var config = new Option<string>("--config") { Description = "Experiment config (JSON); relative data and task paths resolve against its folder.", Required = true };
        var db = new Option<string?>("--db") { Description = $"SQLite database to record the run in (default {new StorageOptions().DatabasePath}, relative to the current directory)." };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object on the last stdout line instead of a table." };
        var threads = CliThreads.Option();
        var command = new Command("run", "Run an experiment headless, recorded in the dashboard's database.") { config, db, json, threads };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetValue(config)!, parsed.GetValue(db), parsed.GetValue(json), parsed.GetValue(threads), stdout, stderr, ct));
        return command;
    }

    /// <summary>The verb's work; returns the exit code. Cancelling <paramref name="ct"/> stops the run within a step.</summary>
    public static async Task<int> RunAsync(string configPath, string? dbPath, bool json, int? threads, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        // System.CommandLine handles no signals when invoked with an InvocationConfiguration that leaves
        // ProcessTerminationTimeout null (as QuantScopeCli does), so the verb listens itself: the first Ctrl+C (or
        // SIGTERM) stops the run after its current step and records it; a second one terminates the process.
        using var stop = new CliStopSignal(ct);
        return await RunCoreAsync(configPath, dbPath, json, threads, stdout, stderr, stop.Token);
    }

    private static async Task<int> RunCoreAsync(string configPath, string? dbPath, bool json, int? threads, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (config, configDirectory) = await LoadConfigAsync(configPath, stderr);
        if (config is null) return QuantScopeCli.UsageError;

        var database = CliDatabase.PathOf(dbPath);
        ServiceProvider? services;
        try
        {
            services = await CliDatabase.OpenAsync(database, mustExist: false, stderr, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Cancelled;
        }

        if (services is null) return QuantScopeCli.UsageError;

        await using (services)
        {
            var options = new TrainerOptions
            {
                CheckpointDirectory = Path.Combine(Path.GetDirectoryName(database)!, RunCoordinator.CheckpointFolder),
            };
            var runs = services.GetRequiredService<RunRepository>();
            var run = new HeadlessRun(config, options, new EngineRunRecorder(runs), runs, services.GetRequiredService<MetricSeriesWriter>())
            {
                Threads = CliThreads.Budget(threads),
            };
            var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
            RunOutcome? outcome = null;
            await progress.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context => outcome = await run.ExecuteAsync(new RunProgressBar(context, config.Config), ct));
            return await ReportAsync(outcome!, json, stdout, stderr);
        }
    }

    internal static async Task<int> ReportAsync(RunOutcome outcome, bool json, TextWriter stdout, TextWriter stderr)
    {
        if (outcome.Rejected)
        {
            await stderr.WriteLineAsync(outcome.Error);
            return QuantScopeCli.UsageError;
        }

        if (json) RunReport.WriteJson(outcome.Summary!, stdout);
        else RunReport.WriteTable(outcome.Summary!, stdout);
        switch (outcome.Status)
        {
            case RunStatus.Completed:
                return 0;
            case RunStatus.Cancelled:
                await stderr.WriteLineAsync("Run cancelled.");
                return Cancelled;
            default:
                await stderr.WriteLineAsync($"Run failed: {outcome.Error}");
                return RunFailed;
        }
    }

    /// <summary>Reads and validates the config file; on any problem prints it (config errors as <c>field: message</c>) and returns null.</summary>
    private static async Task<(ValidTrainConfig? Config, string Directory)> LoadConfigAsync(string configPath, TextWriter stderr)
    {
        var path = Path.GetFullPath(configPath);
        var directory = Path.GetDirectoryName(path)!;
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"--config: file '{configPath}' does not exist (looked for {path}).");
            return (null, directory);
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(path); // small: not worth cancelling
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"--config: cannot read '{path}': {ex.Message}");
            return (null, directory);
        }

        var (config, errors) = ConfigReader.Read(text, directory);
        foreach (var error in errors) await stderr.WriteLineAsync($"{error.Field}: {error.Message}");
        // The stored config must mean the same file to the dashboard, whose working directory is not the config's folder.
        return (config?.WithAbsolutePaths(), directory);
    }
}
