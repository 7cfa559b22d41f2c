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
    public static List<double> StepMillis(TrainConfig config, Action<Trainer>? inspect = null, int firstStep = 1)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        using (var trainer = new Trainer(ConfigValidator.Require(config)))
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
