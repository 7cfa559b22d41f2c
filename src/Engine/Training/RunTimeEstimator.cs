using System.Threading.Channels;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// Estimates a run's time on this machine by timing a few real steps of its own config (same model, quantization,
/// twin, batch and stats), plus a few plain pretraining steps when a pretraining checkpoint is not cached yet. The
/// probes skip pretraining, evaluation and checkpoints. Costs about <see cref="ProbeSteps"/> + 1 steps of each kind.
/// </summary>
public static class RunTimeEstimator
{
    /// <summary>Timed steps per probe (one more runs first and is dropped: it pays for allocations).</summary>
    public const int ProbeSteps = 3;

    /// <summary>Runs the probes on the calling thread (TorchSharp dispose scopes are thread-static).</summary>
    /// <param name="valid">The run's validated config.</param>
    /// <param name="options">The options the run would get (its checkpoint directory tells whether pretraining is cached).</param>
    /// <param name="ct">Cancels between probe steps.</param>
    public static RunTimeEstimate Estimate(ValidTrainConfig valid, TrainerOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var config = valid.Resolved;
        var stepMillis = MedianStepMillis(Probe(config), valid.BaseDirectory, options, ct);
        var cached = config.Pretrain is not null && options.CheckpointDirectory is { } dir && File.Exists(Pretrainer.CachePath(dir, config));
        var pretrainSteps = config.Pretrain is null || cached ? 0 : config.Pretrain.Steps;
        var pretrainMillis = pretrainSteps == 0 ? 0 : MedianStepMillis(Probe(config) with { Quant = null, Baseline = false, Precision = Precision.Bf16 }, valid.BaseDirectory, options, ct);
        var evaluations = config.EvalEvery > 0 ? (config.Steps - 1) / config.EvalEvery + 2 : 0; // before, every N steps, after
        return new RunTimeEstimate(config.Steps, stepMillis, pretrainSteps, pretrainMillis, cached, evaluations);
    }

    private static TrainConfig Probe(TrainConfig config) => config with
    {
        Name = config.Name + " (time probe)",
        Pretrain = null,
        Steps = ProbeSteps + 1,
        LrWarmupSteps = 0,
        Bf16WarmupSteps = 0,
        EvalEvery = 0,
        Tasks = [],
        CheckpointEvery = 0,
        LogEvery = ProbeSteps + 1,
        ApeLastSteps = ProbeSteps + 1,
    };

    private static double MedianStepMillis(TrainConfig probe, string? baseDirectory, TrainerOptions options, CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<MetricBatch>();
        // A probe is a new config derived from a valid one: it goes through the validator like any other.
        using (var trainer = new Trainer(ConfigValidator.Require(probe, baseDirectory), options with { CheckpointDirectory = null }))
            trainer.Run(Guid.NewGuid(), channel.Writer, ct);

        channel.Writer.Complete();
        var millis = new List<double>();
        while (channel.Reader.TryRead(out var batch))
            millis.AddRange(batch.Scalars.Where(p => p.Metric == MetricCatalog.StepMillis && p.Step > 0).Select(p => (double)p.Value));
        if (millis.Count == 0) throw new InvalidOperationException("The time probe reported no step times.");
        millis.Sort();
        return millis[millis.Count / 2];
    }
}
