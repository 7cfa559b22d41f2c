using System.Diagnostics;
using System.Globalization;
using QuantScope.Bench.Shared;
using Spectre.Console;

namespace QuantScope.Bench.Contention;

/// <summary>
/// <c>bench --contention</c>: how a demo run's step time holds up next to other processes, and how three runs at once
/// compare with the same three in a row, with libtorch's defaults (all cores, spinning OpenMP workers, as QuantScope
/// trained before the thread budget) against QuantScope's settings (a share of the free cores, passive waiting). Every
/// run is a separate process of this executable (<see cref="ContentionChild"/>), competitors too. Ratios in one run.
/// </summary>
public static class ContentionBench
{
    private sealed record Setting(string Name, int Threads, string? SpinCount);

    // libtorch as it was: its own thread count, libgomp's spin (GOMP_SPINCOUNT 300000 is its default when no policy is set).
    private static readonly Setting Default = new("libtorch default", -1, "300000");
    private static readonly Setting QuantScope = new("QuantScope", 0, null);

    /// <summary>Measures and prints the table; <paramref name="steps"/> demo steps per run.</summary>
    public static async Task<int> RunAsync(int steps, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        console.Profile.Width = Math.Max(console.Profile.Width, 150); // a redirected stdout would wrap the table at 80
        var table = new Table();
        foreach (var column in new[] { "case", "setting", "step ms / wall s", "ratio", "target", "threads, wait policy" }) table.AddColumn(column);

        foreach (var setting in new[] { Default, QuantScope })
        {
            await stderr.WriteLineAsync($"Contention: {setting.Name}, idle...");
            var idle = await TrainAsync(setting, steps, 0, [], ct);
            table.AddRow("demo run, idle", setting.Name, F(idle.StepMs), "1.00x", "–", idle.Settings);
            foreach (var (label, competitors, target) in new (string, string[][], double)[]
            {
                ("next to a busy loop", [["spin"]], 2.5),
                ("next to a busy loop and a training process", [["spin"], ["train", "-1", "100000", "0"]], 4.0),
            })
            {
                await stderr.WriteLineAsync($"Contention: {setting.Name}, {label}...");
                var busy = await TrainAsync(setting, steps, 0, competitors, ct);
                AddRatio(table, label, setting.Name, F(busy.StepMs), busy.StepMs / idle.StepMs, target, busy.Settings);
            }

            await stderr.WriteLineAsync($"Contention: {setting.Name}, three runs in a row, then at once...");
            var row = 0.0;
            for (var i = 0; i < 3; i++) row += (await TrainAsync(setting, steps, 0, [], ct)).WallSeconds;
            var together = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TrainAsync(setting, steps, 0, [], ct)));
            var wall = together.Max(r => r.WallSeconds);
            AddRatio(table, "3 runs as processes at once / in a row", setting.Name, $"{F(wall)} / {F(row)}", wall / row, 1.3, together[0].Settings);
        }

        await stderr.WriteLineAsync("Contention: three runs in one process (as the dashboard trains them)...");
        var one = await ChildAsync(QuantScope, ["train3", Int(steps)], ct);
        var rowInProcess = 0.0;
        for (var i = 0; i < 3; i++) rowInProcess += (await TrainAsync(QuantScope, steps, 0, [], ct)).WallSeconds;
        AddRatio(table, "3 runs in one process (dashboard) / in a row", QuantScope.Name, $"{F(one.WallSeconds)} / {F(rowInProcess)}", one.WallSeconds / rowInProcess, 1.3, one.Settings);

        foreach (var nice in new[] { 0, 10 })
        {
            await stderr.WriteLineAsync($"Contention: niceness {nice} next to a busy loop...");
            var idle = await TrainAsync(QuantScope, steps, nice, [], ct);
            var busy = await TrainAsync(QuantScope, steps, nice, [["spin"]], ct);
            AddRatio(table, $"Training:Niceness {nice}, next to a busy loop", QuantScope.Name, F(busy.StepMs), busy.StepMs / idle.StepMs, 2.5, busy.Settings);
        }

        console.WriteLine($"Training under contention ({Environment.ProcessorCount} cores, {steps} demo steps per run, each run a separate process; ratio = against the same setting idle or in a row):");
        console.Write(table);
        return 0;
    }

    private static void AddRatio(Table table, string label, string setting, string figure, double ratio, double target, string settings) =>
        table.AddRow(label, setting, figure, $"{ratio:F2}x", $"<= {target:F1}x {(ratio <= target ? "met" : "not met")}", settings);

    private sealed record Result(double StepMs, double WallSeconds, string Settings);

    private static async Task<Result> TrainAsync(Setting setting, int steps, int niceness, string[][] competitors, CancellationToken ct)
    {
        var others = competitors.Select(c => Start(Default, c)).ToList(); // competitors keep libtorch's defaults
        try
        {
            if (others.Count > 0) await Task.Delay(1000, ct); // let them get going
            return await ChildAsync(setting, ["train", Int(setting.Threads), Int(steps), Int(niceness)], ct);
        }
        finally
        {
            foreach (var p in others)
            {
                p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }

    private static async Task<Result> ChildAsync(Setting setting, string[] args, CancellationToken ct)
    {
        using var process = Start(setting, args);
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"a bench child ({string.Join(' ', args)}) printed no result (exit {process.ExitCode}): {await process.StandardError.ReadToEndAsync(ct)}");
        var parts = line.Split(' ', 5);
        return new Result(double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture), $"{parts[3]} threads, {parts[4].Trim()}");
    }

    private static Process Start(Setting setting, string[] args)
    {
        var info = BenchChild.StartInfo(ContentionChild.Verb, args);
        info.Environment.Remove("OMP_WAIT_POLICY");
        info.Environment.Remove("GOMP_SPINCOUNT");
        info.Environment.Remove("OMP_NUM_THREADS");
        if (setting.SpinCount is { } spin) info.Environment["GOMP_SPINCOUNT"] = spin;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start a bench child");
    }

    private static string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);
}
