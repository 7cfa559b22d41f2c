using QuantScope.Engine.Training;
using QuantScope.Bench.Shared;

namespace QuantScope.Bench.TrainStep;

/// <summary>
/// Times fake-quant training steps against a plain one on the demo model: forward-only FP8 (the demo's
/// <c>fp8-delayed</c>) and FP8 with E5M2 output gradients in the backward pass (<c>fp8-hybrid-delayed</c>). A trainer
/// runs once, so each round builds a fresh trainer per variant and rotates which goes first; step times come from the
/// <c>step_ms</c> metric the trainer writes.
/// </summary>
public static class TrainStepBench
{
    /// <summary>The timed variants; the first is the baseline.</summary>
    public static IReadOnlyList<(string Name, string? Plan)> Variants { get; } =
    [
        ("plain", null),
        ("fake quant (fp8-delayed)", "fp8-delayed"),
        ("fake quant + E5M2 gradients (fp8-hybrid-delayed)", "fp8-hybrid-delayed"),
    ];

    /// <summary>Timed steps per variant and the median step time of each variant (in <see cref="Variants"/> order).</summary>
    public sealed record Result(int Steps, IReadOnlyList<double> MedianMillis)
    {
        /// <summary>Median of variant <paramref name="i"/> / median of the plain step.</summary>
        public double Ratio(int i) => MedianMillis[i] / MedianMillis[0];
    }

    /// <summary>Runs the rounds on the calling thread.</summary>
    public static Result Run(BenchPlan plan, Action<string> status)
    {
        var samples = Variants.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < plan.TrainRounds; round++)
        {
            status($"Training steps: round {round + 1}/{plan.TrainRounds}");
            for (var k = 0; k < Variants.Count; k++)
            {
                var i = (k + round) % Variants.Count; // rotate the order so no variant always runs first
                samples[i].AddRange(RunSteps(Variants[i].Plan, plan.StepsPerRound));
            }
        }

        return new Result(samples[0].Count, samples.Select(BenchMath.Median).ToArray());
    }

    private static List<double> RunSteps(string? quantPlan, int timedSteps)
    {
        var steps = timedSteps + 1; // step 0 warms up and is dropped
        var config = TrainConfig.Demo with
        {
            Name = "bench-" + (quantPlan ?? "plain"), Quant = quantPlan is null ? null : new QuantConfig { Preset = quantPlan }, Steps = steps, LogEvery = steps,
        };
        return BenchTrainer.StepMillis(config);
    }
}
