using System.Threading.Channels;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;

namespace QuantScope.Bench.Shared;

/// <summary>
/// Runs one trainer of a benchmark config to completion and returns its step times, shared by the benches that time
/// whole training steps (a trainer runs once, so every measurement builds a fresh one).
/// </summary>
public static class BenchTrainer
{
    /// <summary>
    /// Trains <paramref name="config"/> on the calling thread (TorchSharp dispose scopes are thread-static) and returns
    /// the <c>step_ms</c> of every step from <paramref name="firstStep"/> on (the ones before are warm-up, dropped), in
    /// step order, ms. <paramref name="inspect"/> sees the built trainer before it runs (for example its plan warnings).
    /// </summary>
    public static List<double> StepMillis(TrainConfig config, Action<Trainer>? inspect = null, int firstStep = 1) =>
        StepMillis(config, new TrainerOptions(), inspect, firstStep);

    /// <summary>
    /// Trains every config of <paramref name="configs"/> in turns (<see cref="Turns"/>), one step each in order, each
    /// on its own thread, and returns each one's <c>step_ms</c> from <paramref name="firstStep"/> on, in config order.
    /// Only one trainer computes at a time, so each step has the cores to itself, and every trainer's k-th step ran
    /// within one round of the others' k-th steps: a slower stretch of the machine falls on all of them alike.
    /// </summary>
    public static List<double>[] StepMillisInTurns(IReadOnlyList<TrainConfig> configs, int firstStep = 1) =>
        Turns.Run(configs.Count, (seat, pass) => StepMillis(configs[seat], new TrainerOptions { BetweenSteps = pass }, null, firstStep));

    private static List<double> StepMillis(TrainConfig config, TrainerOptions options, Action<Trainer>? inspect, int firstStep)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        using (var trainer = new Trainer(ConfigValidator.Require(config), options))
        {
            inspect?.Invoke(trainer);
            trainer.Run(Guid.NewGuid(), channel.Writer, CancellationToken.None);
        }

        channel.Writer.Complete();
        var batches = new List<MetricBatch>();
        while (channel.Reader.TryRead(out var batch)) batches.Add(batch);
        return BenchMath.StepMillis(batches, firstStep);
    }
}
