using System.Threading.Channels;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Web.Cli;

/// <summary>
/// Times a fake-quant training step against a plain one on the demo model. A trainer runs once, so each round builds
/// a fresh pair and alternates which goes first; step times come from the <c>step_ms</c> metric the trainer writes.
/// </summary>
public static class TrainStepBench
{
    /// <summary>Medians over all timed steps and their ratio.</summary>
    public sealed record Result(int Steps, double PlainMillis, double QuantMillis)
    {
        /// <summary>Fake-quant median / plain median.</summary>
        public double Ratio => QuantMillis / PlainMillis;
    }

    /// <summary>Runs the rounds on the calling thread.</summary>
    public static Result Run(BenchPlan plan, Action<string> status)
    {
        var plain = new List<double>();
        var quant = new List<double>();
        for (var round = 0; round < plan.TrainRounds; round++)
        {
            status($"Training steps: round {round + 1}/{plan.TrainRounds}");
            var quantFirst = round % 2 == 0;
            foreach (var q in quantFirst ? new[] { true, false } : [false, true])
                (q ? quant : plain).AddRange(RunSteps(q, plan.StepsPerRound));
        }

        return new Result(plain.Count, BenchMath.Median(plain), BenchMath.Median(quant));
    }

    private static List<double> RunSteps(bool quantize, int timedSteps)
    {
        var steps = timedSteps + 1; // step 0 warms up and is dropped
        var config = TrainConfig.Demo with { Name = quantize ? "bench-fp8" : "bench-plain", Quantize = quantize, Steps = steps, LogEvery = steps };
        var channel = Channel.CreateUnbounded<MetricBatch>();
        using (var trainer = new Trainer(config))
            trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        channel.Writer.Complete();

        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var batch)) batches.Add(batch);
        return BenchMath.StepMillis(batches, firstStep: 1);
    }
}
