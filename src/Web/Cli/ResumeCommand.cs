using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Training;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>resume --run ID [--db PATH] [--json]</c>: continues an interrupted, failed or cancelled engine run from its latest
/// checkpoint, headless, under the same id (as <c>POST /api/runs/{id}/resume</c> does in the dashboard). Prints the
/// summary like <c>run</c>; exit codes as <c>run</c>'s, 2 also when the run cannot resume (the reason on stderr).
/// </summary>
public static class ResumeCommand
{
    /// <summary>Builds the verb: summary to <paramref name="stdout"/>; progress and errors to <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr) => RunVerb.Create(
        "resume", "Continue an interrupted, failed or cancelled engine run from its latest checkpoint.",
        "Id of the run to resume.", "; checkpoints are read from checkpoints/ next to it",
        "Print the summary as one JSON object on the last stdout line instead of a table.", stderr,
        (id, db, json, ct) => RunAsync(id, db, json, stdout, stderr, ct));

    /// <summary>The verb's work; returns the exit code. The first Ctrl+C (or SIGTERM) stops the run after its current step.</summary>
    public static async Task<int> RunAsync(Guid id, string? dbPath, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var stop = new CliStopSignal(ct);
        var database = CliDatabase.PathOf(dbPath);
        await using var services = await CliDatabase.OpenAsync(database, mustExist: true, stderr, stop.Token);
        if (services is null) return QuantScopeCli.UsageError;

        var runs = services.GetRequiredService<RunRepository>();
        if (await runs.GetAsync(id, stop.Token) is not { } entity)
        {
            await stderr.WriteLineAsync($"--run: no run has id {id}");
            return QuantScopeCli.UsageError;
        }

        var checkpoints = Path.Combine(Path.GetDirectoryName(database)!, RunCoordinator.CheckpointFolder);
        ValidTrainConfig config;
        int step;
        try
        {
            (config, step) = RunResumeCheck.Check(entity, active: false, checkpoints);
        }
        catch (RunResumeException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return QuantScopeCli.UsageError;
        }

        await stderr.WriteLineAsync($"Resuming run {id} after step {step} of {config.Config.Steps}.");
        var options = new TrainerOptions { CheckpointDirectory = checkpoints, ResumeFromStep = step };
        var headless = new HeadlessRun(config, options, new EngineRunRecorder(runs), runs, services.GetRequiredService<MetricSeriesWriter>()) { ResumeRunId = id };
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        RunOutcome? outcome = null;
        await progress.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context => outcome = await headless.ExecuteAsync(new RunProgressBar(context, config.Config), stop.Token));
        return await RunCommand.ReportAsync(outcome!, json, stdout, stderr);
    }
}
