using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Web.Api;
using QuantScope.Web.Ptq;
using QuantScope.Web.Setup;
using Spectre.Console;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>ptq --run ID [--db PATH] [--preset P | --format F [--group-size G]] [--activations] [--checkpoint STEP|last]
/// [--sensitivity] [--keep K] [--no-token-curve] [--json]</c>: post-training quantization of a run's checkpoints, with a
/// progress bar on stderr and tables (or, under <c>--json</c>, the API's report as one JSON line) on stdout.
/// Exit codes: 0 done, 1 the analysis failed, 2 bad input (unknown run, no checkpoints, bad option).
/// </summary>
public static class PtqCommand
{
    /// <summary>Builds the verb bound to the given streams.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var run = new Option<Guid>("--run") { Description = "Run id (its checkpoints: train it with checkpointEvery > 0).", Required = true };
        var db = new Option<string?>("--db") { Description = $"SQLite database (default {new StorageOptions().DatabasePath}, relative to the current directory)." };
        var preset = new Option<string?>("--preset") { Description = "Quantization plan preset." };
        var format = new Option<string?>("--format") { Description = "One number format on every layer (e.g. int4, e4m3, nvfp4)." };
        var group = new Option<int?>("--group-size") { Description = "INT group size 16..1024 for --format." };
        var activations = new Option<bool>("--activations") { Description = "Quantize layer inputs too (default: weights only)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint step, or last (default)." };
        var sensitivity = new Option<bool>("--sensitivity") { Description = "Rank layers by the damage of quantizing each alone." };
        var keep = new Option<int>("--keep") { Description = "With --sensitivity: worst layers the exported plan keeps in high precision." };
        var noCurve = new Option<bool>("--no-token-curve") { Description = "Skip the other checkpoints (degradation against tokens seen)." };
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object on the last stdout line." };
        var command = new Command("ptq", "Post-training quantization of a run's checkpoints: degradation, sensitivity, outliers.")
        {
            run, db, preset, format, group, activations, checkpoint, sensitivity, keep, noCurve, json,
        };
        command.SetAction((parsed, ct) =>
        {
            var step = parsed.GetValue(checkpoint);
            var dto = new PtqRequestDto(parsed.GetValue(preset), parsed.GetValue(format), parsed.GetValue(group), parsed.GetValue(activations),
                step is null ? null : JsonSerializer.SerializeToElement(int.TryParse(step, out var s) ? s : (object)step),
                parsed.GetValue(sensitivity), parsed.GetValue(keep), !parsed.GetValue(noCurve));
            return RunAsync(parsed.GetValue(run), parsed.GetValue(db), dto, parsed.GetValue(json), stdout, stderr, ct);
        });
        return command;
    }

    /// <summary>The verb's work; returns the exit code.</summary>
    public static async Task<int> RunAsync(Guid runId, string? dbPath, PtqRequestDto dto, bool json, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        await using var services = await CliDatabase.OpenAsync(CliDatabase.PathOf(dbPath), mustExist: true, stderr, ct);
        if (services is null) return QuantScopeCli.UsageError;
        var ptq = new PtqService(services.GetRequiredService<RunRepository>(), services.GetRequiredService<QuantScopeDatabase>());
        var (prepared, request, found, field, error) = await ptq.PrepareAsync(runId, dto, ct);
        if (!found) return Fail(stderr, $"--run: no run has id {runId}.");
        if (prepared is null) return Fail(stderr, $"--{Option(field!)}: {error}");

        PtqReport? report = null;
        try
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = new PtqProgressBar(context);
                    // TorchSharp work on its own thread, start to end (dispose scopes are thread-static).
                    report = await Task.Factory.StartNew(() => PtqService.Execute(prepared, request!, bar, ct), ct,
                        TaskCreationOptions.LongRunning, TaskScheduler.Default);
                });
        }
        catch (PtqInputException ex)
        {
            return Fail(stderr, $"--{Option(ex.Field)}: {ex.Problem}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"PTQ failed: {ex.Message}");
            return 1;
        }

        if (json) await stdout.WriteLineAsync(JsonSerializer.Serialize(report, JsonDefaults.Options));
        else PtqTables.Write(report!, stdout);
        return 0;
    }

    private static string Option(string field) => field switch
    {
        "groupSize" => "group-size",
        "keepHighPrecision" => "keep",
        _ => field,
    };

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        return QuantScopeCli.UsageError;
    }
}
