using System.Diagnostics;
using System.Globalization;
using QuantScope.Engine.Training;
using Spectre.Console;

namespace QuantScope.Bench.Demo;

/// <summary>
/// <c>bench --demo</c>: the full demo study (<see cref="DemoStudy.Arms"/>), arms one after another in this process with
/// a fresh pretraining cache (so the first start's pretraining is included), then its wall time, each arm's figures and
/// every target (<see cref="DemoStudyTargets"/>) with the measured value and met / not met.
/// </summary>
public static class DemoBench
{
    /// <summary>Runs the study; returns 0 when every target is met, 1 otherwise.</summary>
    public static int Run(bool quick, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var cache = Path.Combine(Path.GetTempPath(), "quantscope-demo-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(cache);
        try
        {
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
            stderr.WriteLine($"Demo study ({(quick ? "quick" : "full")}), {Environment.ProcessorCount} cores, load average at start: {load}");
            var watch = Stopwatch.StartNew();
            var results = StudyRunner.Run(DemoStudy.Arms(quick), cache, log: stderr.WriteLine, ct: ct);
            var wall = watch.Elapsed.TotalSeconds;
            // Under load the wall time says little: the process's CPU time over the cores it could use is the idle estimate.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            stdout.WriteLine($"CPU time {cpu:F0} s: on {Environment.ProcessorCount} idle cores the study's wall time is at least {cpu / Environment.ProcessorCount:F0} s (perfect parallelism); the wall time above includes waiting for other processes.");
            var targets = DemoStudyTargets.Evaluate(results, wall);
            Write(stdout, results, targets, wall, load);
            return targets.All(t => t.Met) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static void Write(TextWriter stdout, IReadOnlyList<StudyArmResult> results, IReadOnlyList<StudyTarget> targets, double wall, string load)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        string F(double? v, string format) => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "–";
        console.WriteLine($"Demo study: {results.Count} runs with BF16 twins, wall time {F(wall, "F0")} s (pretraining included; load average at start {load}).");
        var arms = new Table();
        foreach (var c in new[] { "arm", "s", "loss APE %", "saturation %", "held-out loss end", "probe acc end", "task drops % (± SE)", "findings" })
            arms.AddColumn(c);
        foreach (var r in results)
        {
            var s = r.Summary;
            var drops = string.Join(", ", s.Tasks.Select(t => $"{t.Name} {F(t.RelativeDropPct, "F2")}±{F(t.RelativeDropStdErrPct, "F1")}{(t.TwinOnly is { } l && t.RunOnly is { } g ? $" (-{l}/+{g})" : "")}"));
            var findings = r.Findings.Count == 0 ? "none" : string.Join("; ", r.Findings.Select(f => $"{f.Severity} {f.Detector}"));
            arms.AddRow(Markup.Escape(r.Key), F(r.WallSeconds, "F0"), F(s.LossApe?.MeanPct, "F3"), F(s.Saturation?.StepRate * 100, "F2"),
                F(s.Forgetting?.HeldOutLossEnd, "F3"), F(s.Forgetting?.ProbeAccuracyEnd * 100, "F1"), Markup.Escape(drops), Markup.Escape(findings));
        }

        console.Write(arms);
        var table = new Table();
        foreach (var c in new[] { "arm", "target", "measured", "goal", "" }) table.AddColumn(c);
        foreach (var t in targets)
            table.AddRow(Markup.Escape(t.Arm), Markup.Escape(t.Name), Markup.Escape(t.Measured), Markup.Escape(t.Goal), t.Met ? "met" : "NOT MET");
        console.Write(table);
    }
}
