using QuantScope.Bench.Diagnostics;
using QuantScope.Bench.Experiment;

namespace QuantScope.Bench.Shared;

/// <summary>How much to measure.</summary>
/// <param name="Sizes">Element counts with the repetitions for each.</param>
/// <param name="TrainRounds">Interleaved rounds; each builds a fresh trainer per variant.</param>
/// <param name="StepsPerRound">Timed steps per trainer per round (one extra warm-up step is run and dropped).</param>
/// <param name="ExperimentRounds">Interleaved rounds of the experiment throughput bench (<see cref="ExperimentBench"/>).</param>
/// <param name="ExperimentModels">Model presets of that bench, with timed steps per trainer per round (plus one warm-up).</param>
/// <param name="DiagnosticsRounds">Interleaved rounds of the diagnostics cost bench (<see cref="DiagnosticsBench"/>).</param>
/// <param name="DiagnosticsModels">Model presets of that bench, with timed steps per trainer per round (plus one
/// warm-up): a multiple of <see cref="DiagnosticsBench.Cycle"/> so every-10 variants hold whole periods.</param>
public sealed record BenchPlan(
    IReadOnlyList<(int Elements, int Reps)> Sizes,
    int TrainRounds,
    int StepsPerRound,
    int ExperimentRounds,
    IReadOnlyList<(string Model, int StepsPerRound)> ExperimentModels,
    int DiagnosticsRounds,
    IReadOnlyList<(string Model, int StepsPerRound)> DiagnosticsModels)
{
    /// <summary>
    /// 1 M and 16 M values; 40 timed steps each; experiments: 5 rounds, 30 demo and 15 small steps per variant;
    /// diagnostics: 4 rounds, 120 demo and 80 small steps per variant.
    /// </summary>
    public static BenchPlan Full { get; } = new([(1 << 20, 15), (16 << 20, 7)], 8, 5, 5, [("demo", 6), ("small", 3)],
        4, [("demo", 30), ("small", 20)]);

    /// <summary>
    /// 1 M and 4 M values; 20 timed steps each; experiments: 2 rounds, 6 demo and 4 small steps per variant (a small
    /// step takes about a second on two cores, a HiF8 one several); diagnostics: 2 rounds, 20 demo and 20 small steps
    /// per variant (about a minute of small steps on two idle cores).
    /// </summary>
    public static BenchPlan Quick { get; } = new([(1 << 20, 9), (4 << 20, 5)], 4, 5, 2, [("demo", 3), ("small", 2)],
        2, [("demo", 10), ("small", 10)]);
}
