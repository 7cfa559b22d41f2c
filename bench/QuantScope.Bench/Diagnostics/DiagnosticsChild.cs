using System.Globalization;
using QuantScope.Bench.Shared;
using QuantScope.Engine.Hosting;

namespace QuantScope.Bench.Diagnostics;

/// <summary>
/// The diagnostics bench's trainers run in a child process (the bench's own executable with <c>diagnostics-child</c>)
/// whose C library keeps one malloc arena (<c>MALLOC_ARENA_MAX=1</c>). They train in turns on their own threads
/// (<see cref="BenchTrainer.StepMillisInTurns"/>), and glibc gives threads their own arenas, shared once there are more
/// threads than its arena limit: two trainers interleaving their tensors in one such arena grow and shrink it every
/// turn, and the page faults (measured: 27 against 14 s of system time for the same four trainers) land on whichever
/// trainer stepped then. One arena, never trimmed (<see cref="NativeHeap"/>), is reused by every trainer in turn, as one
/// trainer on its own reuses it. The limit can only be set before the process starts, hence the child. Elsewhere than
/// Linux, or when the variable is already set, the bench runs in-process.
/// </summary>
public static class DiagnosticsChild
{
    /// <summary>The first argument that selects child mode; then the plan's diagnostics part (<see cref="Arguments"/>).</summary>
    public const string Verb = "diagnostics-child";

    private const string ArenaVariable = "MALLOC_ARENA_MAX";

    /// <summary>True when the trainers must run in a child to get one arena.</summary>
    public static bool Needed => OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable(ArenaVariable) != "1";

    /// <summary>
    /// Child side: measures (<see cref="DiagnosticsBench.Measure"/>) and prints one line per model and variant,
    /// <c>SAMPLES model variant-index ms ms ...</c>, progress as <c>STATUS text</c> lines on stderr. Returns the exit code.
    /// </summary>
    public static int Run(string[] args)
    {
        OpenMpWaitPolicy.Apply();
        NativeHeap.Apply();
        BenchPlan plan;
        try
        {
            plan = PlanOf(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"usage: {Verb} ROUNDS MODEL:STEPS [MODEL:STEPS ...] ({e.Message})");
            return 2;
        }

        var samples = DiagnosticsBench.Measure(plan, status => Console.Error.WriteLine($"STATUS {status}"));
        foreach (var (model, variants) in samples)
        {
            for (var v = 0; v < variants.Count; v++)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SAMPLES {model} {v} {string.Join(' ', variants[v].Select(ms => ms.ToString("R", CultureInfo.InvariantCulture)))}"));
        }

        return 0;
    }

    /// <summary>
    /// Parent side: runs the child for <paramref name="plan"/>'s diagnostics rounds and models, passes its progress to <paramref name="status"/> and returns its samples, in the order of the plan's models.
    /// </summary>
    /// <exception cref="InvalidOperationException">The child failed or printed no samples.</exception>
    public static IReadOnlyList<(string Model, IReadOnlyList<IReadOnlyList<double>> Samples)> Measure(BenchPlan plan, Action<string> status)
    {
        var info = BenchChild.StartInfo(Verb, Arguments(plan));
        info.Environment[ArenaVariable] = "1";
        using var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("could not start the diagnostics bench's child");
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("STATUS ", StringComparison.Ordinal)) status(e.Data[7..]);
            else lock (errors) errors.Add(e.Data);
        };
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var samples = Parse(output);
        if (process.ExitCode != 0 || samples.Count == 0)
            throw new InvalidOperationException($"the diagnostics bench's child failed (exit {process.ExitCode}): {string.Join(Environment.NewLine, errors.TakeLast(20))}");
        return samples;
    }

    /// <summary>The child's arguments for <paramref name="plan"/>: its diagnostics rounds, then <c>MODEL:STEPS</c> per model. Pure.</summary>
    public static IReadOnlyList<string> Arguments(BenchPlan plan) =>
        [plan.DiagnosticsRounds.ToString(CultureInfo.InvariantCulture),
            .. plan.DiagnosticsModels.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Model}:{m.StepsPerRound}"))];

    /// <summary>The plan the child measures from <see cref="Arguments"/>: only its diagnostics part is read. Pure.</summary>
    /// <exception cref="FormatException">No rounds, no model, or a malformed number or pair.</exception>
    public static BenchPlan PlanOf(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rounds))
            throw new FormatException("expected the rounds and at least one MODEL:STEPS");
        var models = args.Skip(1).Select(a => a.Split(':') is [var model, var steps] && model.Length > 0
            && int.TryParse(steps, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (model, n)
            : throw new FormatException($"'{a}' is not MODEL:STEPS")).ToArray();
        return BenchPlan.Quick with { DiagnosticsRounds = rounds, DiagnosticsModels = models };
    }

    /// <summary>The child's <c>SAMPLES</c> lines grouped by model in order of appearance, variants by index. Pure.</summary>
    /// <exception cref="FormatException">A malformed line.</exception>
    public static IReadOnlyList<(string Model, IReadOnlyList<IReadOnlyList<double>> Samples)> Parse(string output)
    {
        var models = new List<(string Model, List<IReadOnlyList<double>> Samples)>();
        foreach (var line in output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("SAMPLES ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var variant))
                throw new FormatException($"malformed samples line: {line}");
            var values = parts[3..].Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            if (models.Count == 0 || models[^1].Model != parts[1]) models.Add((parts[1], []));
            if (variant != models[^1].Samples.Count) throw new FormatException($"samples of variant {variant} out of order: {line}");
            models[^1].Samples.Add(values);
        }

        return [.. models.Select(m => (m.Model, (IReadOnlyList<IReadOnlyList<double>>)m.Samples))];
    }
}
