using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TorchSharp;

namespace QuantScope.Web.Cli;

/// <summary>
/// <c>bench [--quick]</c>: quantizer cost relative to one elementwise multiply of the same tensor (CPU), and the cost
/// of a fake-quant training step relative to a plain one, as measured in this run. Variants are interleaved and
/// medians reported because the machine is shared.
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the verb: tables to <paramref name="stdout"/>, progress to <paramref name="stderr"/>.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var quick = new Option<bool>("--quick") { Description = "1 M and 4 M values, fewer repetitions and steps." };
        var command = new Command("bench", "Print quantizer and fake-quant training-step cost ratios.") { quick };
        command.SetAction(parsed => Run(parsed.GetValue(quick), stdout, stderr));
        return command;
    }

    /// <summary>
    /// Runs the benchmark on the calling thread (TorchSharp dispose scopes are thread-static). Progress goes to
    /// <paramref name="stderr"/> so redirected stdout holds only the tables.
    /// </summary>
    public static int Run(bool quick, TextWriter stdout, TextWriter stderr)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        var progress = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        var plan = quick ? BenchPlan.Quick : BenchPlan.Full;
        IReadOnlyList<QuantizeBench.SizeResult> sizes = [];
        TrainStepBench.Result? steps = null;

        progress.Status().Start("Starting", ctx =>
        {
            sizes = QuantizeBench.Run(plan, status => ctx.Status(Markup.Escape(status)));
            steps = TrainStepBench.Run(plan, status => ctx.Status(Markup.Escape(status)));
        });

        console.WriteLine($"Quantize time / one elementwise multiply of the same float32 tensor (CPU, {torch.get_num_threads()} threads, median of interleaved reps{(quick ? ", quick" : "")}):");
        var table = new Table();
        table.AddColumn("format");
        foreach (var s in sizes) table.AddColumn(new TableColumn($"{s.Elements / (1 << 20)} M values").RightAligned());
        table.AddRow(["multiply (ms)", .. sizes.Select(s => s.BaselineMillis.ToString("F2", CultureInfo.InvariantCulture))]);
        for (var i = 0; i < QuantizeBench.Variants.Count; i++)
            table.AddRow([Markup.Escape(QuantizeBench.Variants[i].Name), .. sizes.Select(s => s.Ratios[i].ToString("F2", CultureInfo.InvariantCulture) + "x")]);
        console.Write(table);

        var r = steps!;
        console.WriteLine($"Training step, demo model: fake quant vs plain ({r.Steps} timed steps each, interleaved rounds, medians):");
        var train = new Table();
        train.AddColumn("variant");
        train.AddColumn(new TableColumn("median ms").RightAligned());
        train.AddColumn(new TableColumn("ratio").RightAligned());
        for (var i = 0; i < TrainStepBench.Variants.Count; i++)
        {
            train.AddRow(Markup.Escape(TrainStepBench.Variants[i].Name), r.MedianMillis[i].ToString("F1", CultureInfo.InvariantCulture),
                r.Ratio(i).ToString("F2", CultureInfo.InvariantCulture) + "x");
        }

        console.Write(train);
        return 0;
    }
}

/// <summary>How much to measure.</summary>
/// <param name="Sizes">Element counts with the repetitions for each.</param>
/// <param name="TrainRounds">Interleaved rounds; each builds a fresh trainer per variant.</param>
/// <param name="StepsPerRound">Timed steps per trainer per round (one extra warm-up step is run and dropped).</param>
public sealed record BenchPlan(IReadOnlyList<(int Elements, int Reps)> Sizes, int TrainRounds, int StepsPerRound)
{
    /// <summary>1 M and 16 M values; 40 timed steps each.</summary>
    public static BenchPlan Full { get; } = new([(1 << 20, 15), (16 << 20, 7)], 8, 5);

    /// <summary>1 M and 4 M values; 20 timed steps each.</summary>
    public static BenchPlan Quick { get; } = new([(1 << 20, 9), (4 << 20, 5)], 4, 5);
}
