using QuantScope.Engine.Training;
using QuantScope.Bench.Shared;
using QuantScope.Bench.Experiment;

namespace QuantScope.Bench.Diagnostics;

/// <summary>
/// The cost of the per-layer diagnostics: fake-quant (<c>fp8-delayed</c>) training steps of each model in
/// <see cref="BenchPlan.DiagnosticsModels"/> with full stats every step, every 10 steps, the weight/input error
/// split every step, and every statistic with the gradient watched (<see cref="AllStatistics"/>), relative to the same
/// step with only the amax, amaxPred, scale and overflow the quantizer needs anyway. Each round builds a fresh trainer
/// per (model, variant) and trains them in turns, one step each (<see cref="BenchTrainer.StepMillisInTurns"/>, in a
/// child process with one malloc arena: <see cref="DiagnosticsChild"/>), in an order that rotates from round to round,
/// and drops each trainer's first step; step times come from the trainer's <c>step_ms</c> (which covers the device-side
/// stats row, not the logging window's one host copy).
/// </summary>
public static class DiagnosticsBench
{
    /// <summary>The variants; the first (no diagnostics) is the baseline of every ratio.</summary>
    public static IReadOnlyList<(string Name, StatsConfig Stats)> Variants { get; } =
    [
        ("off", new StatsConfig { Every = 0, ErrorSplitEvery = 0, Grad = false }),
        ("stats every step", new StatsConfig { Every = 1, ErrorSplitEvery = 0, Grad = false }),
        ("stats every 10", new StatsConfig { Every = 10, ErrorSplitEvery = 0, Grad = false }),
        ("error split every step", new StatsConfig { Every = 0, ErrorSplitEvery = 1, Grad = false }),
        ("stats every 2, paired", new StatsConfig { Every = 2, ErrorSplitEvery = 0, Grad = false }),
        (AllStatistics, new StatsConfig { Every = 1, ErrorSplitEvery = 0, Grad = true }),
    ];

    /// <summary>
    /// The variant with every statistic of issue 23 on every step: the full stats (with the magnitude histogram, the
    /// dynamic range and, for block formats, the block-scale statistics) and the watched high-precision gradient
    /// (<c>stats.grad</c>: its amax, shadow delayed scales and what-if E5M2/E4M3). The other variants leave the
    /// gradient unwatched, so "off" is a bare fake-quant step.
    /// </summary>
    public const string AllStatistics = "all statistics every step (+ grad watch)";

    /// <summary>
    /// Timed steps per trainer must be a multiple of this (the least common multiple of the variants' periods): a
    /// trainer's timed steps 1..n then hold exactly n / N stats steps of a variant with stats every N, so its mean is
    /// the amortized cost.
    /// </summary>
    public static int Cycle { get; } = Variants
        .SelectMany(v => new[] { v.Stats.Every, v.Stats.ErrorSplitEvery })
        .Where(n => n > 0)
        .Aggregate(1, (a, b) => a / Gcd(a, b) * b);

    /// <summary>
    /// The table rows: the measurement (<see cref="Measure"/>) in a child process with one malloc arena where that is
    /// needed (<see cref="DiagnosticsChild"/>), else in this process.
    /// </summary>
    /// <exception cref="ArgumentException">A model's steps per round is not a positive multiple of <see cref="Cycle"/>.</exception>
    public static IReadOnlyList<DiagnosticsBenchRow> Run(BenchPlan plan, Action<string> status)
    {
        Check(plan);
        var samples = DiagnosticsChild.Needed ? DiagnosticsChild.Measure(plan, status) : Measure(plan, status);
        return samples.SelectMany(m => Rows(m.Model, m.Samples)).ToArray();
    }

    /// <summary>
    /// The step times of every model and variant (ms, per model one list per variant in <see cref="Variants"/> order):
    /// per round and model, a fresh trainer per variant, all of them in turns, one step each
    /// (<see cref="BenchTrainer.StepMillisInTurns"/>), in an order that rotates from round to round.
    /// </summary>
    /// <exception cref="ArgumentException">A model's steps per round is not a positive multiple of <see cref="Cycle"/>.</exception>
    public static IReadOnlyList<(string Model, IReadOnlyList<IReadOnlyList<double>> Samples)> Measure(BenchPlan plan, Action<string> status)
    {
        Check(plan);
        var models = plan.DiagnosticsModels;
        var samples = models.Select(_ => Variants.Select(_ => new List<double>()).ToArray()).ToArray();
        for (var round = 0; round < plan.DiagnosticsRounds; round++)
        {
            for (var m = 0; m < models.Count; m++)
            {
                var order = Enumerable.Range(0, Variants.Count).Select(k => (k + round) % Variants.Count).ToArray();
                status($"Diagnostics cost: round {round + 1}/{plan.DiagnosticsRounds}, {models[m].Model}, the {Variants.Count} variants in turns");
                var millis = BenchTrainer.StepMillisInTurns(order.Select(i => Config(models[m].Model, i, models[m].StepsPerRound)).ToArray());
                for (var k = 0; k < order.Length; k++) samples[m][order[k]].AddRange(millis[k]);
            }
        }

        return [.. models.Select((model, m) => (model.Model, (IReadOnlyList<IReadOnlyList<double>>)samples[m]))];
    }

    private static void Check(BenchPlan plan)
    {
        foreach (var (model, steps) in plan.DiagnosticsModels)
        {
            if (steps <= 0 || steps % Cycle != 0)
                throw new ArgumentException($"Diagnostics bench: {model} needs a positive multiple of {Cycle} timed steps, got {steps}.", nameof(plan));
        }
    }

    /// <summary>
    /// The config of variant <paramref name="variant"/> on model preset <paramref name="model"/>: the experiment
    /// bench's fp8 config (<see cref="ExperimentBench.Config"/>: demo batch, <paramref name="timedSteps"/> + 1 steps,
    /// one metric batch) with the variant's stats.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown model preset.</exception>
    public static TrainConfig Config(string model, int variant, int timedSteps) =>
        ExperimentBench.Config(model, Fp8Variant, timedSteps) with
        {
            Name = $"bench-{model}-diag-{Variants[variant].Name.Replace(' ', '-')}",
            Stats = Variants[variant].Stats,
        };

    /// <summary>
    /// The table rows of one model from its step times (ms, one list per variant in <see cref="Variants"/> order, the
    /// k-th step of every list from the same turn of the same round, so every list covers the same stretch of time and a
    /// slower stretch of the machine weighs on all of them alike). A variant that pays its cost every step compares
    /// medians; variants that pay on only some steps (a period above 1) compare means, as the median would be a step
    /// without stats; the paired variant compares its stats steps with its own neighbours (<see cref="PairedRatio"/>). Pure.
    /// </summary>
    /// <exception cref="ArgumentException">An empty list, or lists of different lengths.</exception>
    public static IReadOnlyList<DiagnosticsBenchRow> Rows(string model, IReadOnlyList<IReadOnlyList<double>> samples)
    {
        if (samples.Any(s => s.Count == 0)) throw new ArgumentException("No samples.", nameof(samples));
        if (samples.Any(s => s.Count != samples[0].Count)) throw new ArgumentException("Every variant needs a step time for every turn.", nameof(samples));
        var medians = samples.Select(BenchMath.Median).ToArray();
        var means = samples.Select(s => s.Average()).ToArray();
        var ratios = new double[Variants.Count];
        var ofMeans = new bool[Variants.Count];
        for (var i = 0; i < Variants.Count; i++)
        {
            var stats = Variants[i].Stats;
            ofMeans[i] = stats.Every != 2 && (stats.Every > 1 || stats.ErrorSplitEvery > 1);
            ratios[i] = stats.Every == 2 ? PairedRatio(samples[i]) : ofMeans[i] ? means[i] / means[0] : medians[i] / medians[0];
        }

        var rows = new DiagnosticsBenchRow[Variants.Count];
        for (var i = 0; i < Variants.Count; i++)
        {
            var stats = Variants[i].Stats;
            double? expected = null;
            if (stats.Every > 2 && EveryStepIndex(stats) is { } j)
                expected = 1 + (ratios[j] - 1) / stats.Every; // one stats step in Every pays the every-step cost
            rows[i] = new DiagnosticsBenchRow(model, Variants[i].Name, samples[i].Count, medians[i], means[i], ratios[i], ofMeans[i], expected, stats.Every == 2);
        }

        return rows;
    }

    /// <summary>
    /// The cost of a stats step against its own neighbours in one trainer that collects stats every 2 steps: the median
    /// over stats steps of step / mean(previous, next step). Timed steps start at step 1 (no stats), so stats steps sit
    /// at odd indices. Adjacent steps share the machine's load, so this ratio survives a busy neighbour. Pure.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 3 steps.</exception>
    public static double PairedRatio(IReadOnlyList<double> stepMillis)
    {
        var ratios = new List<double>();
        for (var i = 1; i + 1 < stepMillis.Count; i += 2)
            ratios.Add(stepMillis[i] / ((stepMillis[i - 1] + stepMillis[i + 1]) / 2));
        return ratios.Count == 0 ? throw new ArgumentException("Pairing needs at least 3 steps.", nameof(stepMillis)) : BenchMath.Median(ratios);
    }

    private static int Fp8Variant { get; } = ExperimentBench.Variants.ToList().FindIndex(v => v.Name == "fp8" && !v.Twin) is var i and >= 0
        ? i
        : throw new InvalidOperationException("The experiment bench has no plain fp8 variant.");

    /// <summary>The variant with full stats every step and the same error-split setting, or null.</summary>
    private static int? EveryStepIndex(StatsConfig stats)
    {
        for (var j = 0; j < Variants.Count; j++)
        {
            if (Variants[j].Stats.Every == 1 && Variants[j].Stats.ErrorSplitEvery == stats.ErrorSplitEvery) return j;
        }

        return null;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
