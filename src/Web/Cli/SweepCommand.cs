using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Engine.Training.Sweeps;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;
using QuantScope.Web.Sweeps;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>sweep --config FILE [--db PATH] [--json]</c>: runs a sweep (the body of <c>POST /api/sweeps</c>) headless into the
/// dashboard's database, one progress bar per run on stderr, then prints the results table (or, with <c>--json</c>, the
/// sweep as <c>GET /api/sweeps/{id}</c> shows it). <c>sweep fit --sweep ID --law NAME [--db PATH] [--json]</c> fits a law
/// to a recorded sweep. Exit codes: 0 every run completed, 1 a run failed, 2 bad config or usage, 130 cancelled.
/// </summary>
public static class SweepCommand
{
    /// <summary>Builds the verb and its <c>fit</c> subcommand.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var config = new Option<string?>("--config") { Description = "Sweep file (JSON): {name, base: {config}, grid: {field: [values]}, workers}." };
        var db = DbOption();
        var json = new Option<bool>("--json") { Description = "Print the sweep as one JSON object instead of a table." };
        var threads = CliThreads.Option();
        var command = new Command("sweep", "Run a grid of experiments headless, recorded in the dashboard's database.") { config, db, json, threads, CreateFit(stdout, stderr) };
        command.SetAction((parsed, ct) => RunAsync(parsed.GetValue(config), parsed.GetValue(db), parsed.GetValue(json), parsed.GetValue(threads), stdout, stderr, ct));
        return command;
    }

    private static Option<string?> DbOption() =>
        new("--db") { Description = $"SQLite database (default {new StorageOptions().DatabasePath}, relative to the current directory)." };

    private static Command CreateFit(TextWriter stdout, TextWriter stderr)
    {
        var sweep = new Option<Guid>("--sweep") { Description = "Sweep id.", Required = true };
        var law = new Option<string>("--law") { Description = "Law name: " + string.Join(", ", ScalingLaws.Names) + ".", Required = true };
        var db = DbOption();
        var json = new Option<bool>("--json") { Description = "Print the fit as one JSON object (the API's)." };
        var command = new Command("fit", "Fit a scaling law to a sweep's completed runs (N parameters, D tokens, G group size, delta = loss − twin loss).") { sweep, law, db, json };
        command.SetAction((parsed, ct) => FitAsync(parsed.GetValue(sweep), parsed.GetValue(law)!, parsed.GetValue(db), parsed.GetValue(json), stdout, stderr, ct));
        return command;
    }

    /// <summary>The <c>sweep</c> verb's work; returns the exit code. Ctrl+C stops the current runs and skips the rest.</summary>
    public static async Task<int> RunAsync(string? configPath, string? dbPath, bool json, int? threads, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (configPath is null)
        {
            await stderr.WriteLineAsync("--config: required (a sweep file); or use 'sweep fit'.");
            return QuantScopeCli.UsageError;
        }

        var path = Path.GetFullPath(configPath);
        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"--config: file '{configPath}' does not exist (looked for {path}).");
            return QuantScopeCli.UsageError;
        }

        var directory = Path.GetDirectoryName(path)!;
        var (sweep, expansion, errors) = SweepService.Expand(await File.ReadAllTextAsync(path, ct), directory);
        if (sweep is null)
        {
            foreach (var error in errors) await stderr.WriteLineAsync($"{error.Field}: {error.Message}");
            return QuantScopeCli.UsageError;
        }

        using var stop = new CliStopSignal(ct);
        var database = CliDatabase.PathOf(dbPath);
        var services = await CliDatabase.OpenAsync(database, mustExist: false, stderr, stop.Token);
        if (services is null) return QuantScopeCli.UsageError;
        await using (services)
        {
            var runs = services.GetRequiredService<RunRepository>();
            var options = new TrainerOptions
            {
                CheckpointDirectory = Path.Combine(Path.GetDirectoryName(database)!, RunCoordinator.CheckpointFolder),
            };
            var sweepId = Guid.NewGuid();
            var outcomes = new List<RunOutcome>();
            var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
            await progress.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var queue = new Queue<SweepPoint>(expansion!.Points);
                    var bars = expansion.Points.ToDictionary(p => p.Index, p => context.AddTask(Markup.Escape(Label(p, expansion.Points.Count)), autoStart: false, maxValue: p.Config.Config.Steps));
                    var workers = Math.Clamp(sweep.Workers ?? 1, 1, 64);
                    var budget = CliThreads.Budget(threads);
                    async Task WorkAsync()
                    {
                        while (!stop.IsStopRequested)
                        {
                            SweepPoint point;
                            lock (queue)
                            {
                                if (!queue.TryDequeue(out point!)) return;
                            }

                            bars[point.Index].StartTask();
                            var run = new HeadlessRun(point.Config, options, new EngineRunRecorder(runs), runs, services.GetRequiredService<MetricSeriesWriter>())
                            {
                                Threads = budget, // the sweep's concurrent runs share the cores
                            };
                            var outcome = await run.ExecuteAsync(new SweepProgressBar(bars[point.Index], Markup.Escape(Label(point, expansion.Points.Count))), stop.Token);
                            bars[point.Index].StopTask();
                            if (outcome.Summary is { } summary)
                                await runs.EditAsync(summary.RunId, null, SweepTags.For(sweepId, sweep.Name, point.Index, point.Settings), null, CancellationToken.None);
                            lock (outcomes) outcomes.Add(outcome);
                        }
                    }

                    await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));
                });

            var result = await new SweepRepository(runs).GetAsync(sweepId, CancellationToken.None);
            if (result is not null)
            {
                if (json) SweepTable.WriteJson(result, stdout);
                else SweepTable.Write(result, stdout);
            }

            if (outcomes.FirstOrDefault(o => o.Rejected) is { } rejected)
            {
                await stderr.WriteLineAsync(rejected.Error);
                return QuantScopeCli.UsageError;
            }

            if (stop.IsStopRequested || outcomes.Any(o => o.Status == RunStatus.Cancelled))
            {
                await stderr.WriteLineAsync($"Sweep {sweepId} cancelled after {outcomes.Count} of {expansion!.Points.Count} runs.");
                return RunCommand.Cancelled;
            }

            var failed = outcomes.Count(o => o.Status == RunStatus.Failed);
            await stderr.WriteLineAsync($"Sweep {sweepId}: {outcomes.Count - failed} completed, {failed} failed.");
            return failed > 0 ? RunCommand.RunFailed : 0;
        }
    }

    /// <summary>The <c>sweep fit</c> subcommand's work; returns the exit code (0, or 2 for an unknown sweep or law, or too few points).</summary>
    public static async Task<int> FitAsync(Guid sweepId, string lawName, string? dbPath, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (!ScalingLaws.TryGet(lawName, out var law))
        {
            await stderr.WriteLineAsync($"--law: unknown law '{lawName}'. Known: {string.Join(", ", ScalingLaws.Names)}.");
            return QuantScopeCli.UsageError;
        }

        var services = await CliDatabase.OpenAsync(CliDatabase.PathOf(dbPath), mustExist: true, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;
        await using (services)
        {
            var sweep = await new SweepRepository(services.GetRequiredService<RunRepository>()).GetAsync(sweepId, ct);
            if (sweep is null)
            {
                await stderr.WriteLineAsync($"--sweep: no sweep has id {sweepId}.");
                return QuantScopeCli.UsageError;
            }

            var result = SweepFitter.Fit(sweep, law);
            if (result.Fit is null)
            {
                foreach (var error in result.Errors) await stderr.WriteLineAsync($"{error.Field}: {error.Message}");
                return QuantScopeCli.UsageError;
            }

            if (json) await stdout.WriteLineAsync(JsonSerializer.Serialize(result.Fit, JsonDefaults.Options));
            else LawTables.WriteFit(result.Fit, stdout);
            return 0;
        }
    }

    private static string Label(SweepPoint point, int count) =>
        $"{point.Index + 1}/{count} {(point.Settings.Count == 0 ? point.Config.Config.Name : string.Join(" ", point.Settings))}";
}
