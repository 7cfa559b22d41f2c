using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuantScope.Engine.Data;
using QuantScope.Engine.Model;
using QuantScope.Engine.Telemetry;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// The optional pretraining phase: the model trains with quantization off on the pretraining data, and its parameters
/// are cached under a key of everything that shapes them, so later experiments with the same pretraining start from
/// the very same weights instead of training again. Runs that start at once with the same key (the demo study's four arms)
/// take turns: the first trains and caches, the others wait for it and load the cache (<see cref="CacheGate"/>).
/// </summary>
internal static class Pretrainer
{
    /// <summary>Pretraining loss is copied to the host and emitted every this many steps.</summary>
    public const int EmitEvery = 25;

    /// <summary>
    /// Cache key: a hash of the model size, seed, pretraining settings, batch shape, precision and optimizer settings.
    /// </summary>
    public static string CacheKey(TrainConfig c)
    {
        // Precision as its wire name: keys computed before it was an enum stay valid.
        var material = JsonSerializer.Serialize(new
        {
            c.Model, c.Seed, c.Pretrain, c.BatchSize, c.SeqLen, Precision = Configuration.WireNames<Precision>.Of(c.Precision), c.WeightDecay, c.GradClip, c.Dropout, Version = 1,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)))[..16];
    }

    /// <summary>The cached checkpoint path for <paramref name="config"/> in <paramref name="directory"/>.</summary>
    public static string CachePath(string directory, TrainConfig config) => Path.Combine(directory, $"pretrain-{CacheKey(config)}.qsck");

    /// <summary>
    /// Loads the cached checkpoint or trains and caches it. Emits <see cref="MetricCatalog.PretrainLoss"/> while training.
    /// Returns true when the weights came from the cache.
    /// </summary>
    public static bool Run(LlamaForCausalLM model, TrainConfig config, TextDataset data, string? cacheDirectory,
        Action<MetricBatch> emit, Guid runId, IProgress<TrainingProgress>? progress, Action? betweenSteps, CancellationToken ct)
    {
        if (cacheDirectory is null) return Train(model, config, data, null, emit, runId, progress, betweenSteps, ct);
        var cached = CachePath(cacheDirectory, config);
        using var turn = CacheGate.Enter(cached, ct); // waits while another run trains this very pretraining
        return Train(model, config, data, cached, emit, runId, progress, betweenSteps, ct);
    }

    private static bool Train(LlamaForCausalLM model, TrainConfig config, TextDataset data, string? cached,
        Action<MetricBatch> emit, Guid runId, IProgress<TrainingProgress>? progress, Action? betweenSteps, CancellationToken ct)
    {
        var p = config.Pretrain!;
        if (cached is not null && File.Exists(cached))
        {
            ParameterCheckpoint.Load(model, cached);
            progress?.Report(new TrainingProgress("pretrain", p.Steps, p.Steps));
            return true;
        }

        foreach (var (_, layer) in model.QuantizedLayers) layer.QuantizationEnabled = false;
        var sampler = new BatchSampler(data.Train, unchecked(config.Seed * 31 + 7));
        using var trainer = new ModelTrainer(model, p.LearningRate, config.WeightDecay, config.GradClip);
        var losses = new List<Tensor>();
        var first = 0;
        for (var step = 0; step < p.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            betweenSteps?.Invoke();
            using (var scope = NewDisposeScope())
            {
                var batch = Devices.HostCopy.ToDevice(sampler.Next(config.BatchSize, config.SeqLen), model.Device); // [B, T+1]
                var loss = trainer.Step(batch.narrow(1, 0, config.SeqLen), batch.narrow(1, 1, config.SeqLen), LrSchedule.At(step, p.Steps, p.LearningRate));
                losses.Add(loss.detach().MoveToOuterDisposeScope());
            }

            progress?.Report(new TrainingProgress("pretrain", step + 1, p.Steps));
            if (losses.Count == EmitEvery || step == p.Steps - 1)
            {
                using var all = stack(losses);
                var values = all.cpu().data<float>().ToArray(); // one host copy per window
                foreach (var l in losses) l.Dispose();
                losses.Clear();
                if (values.Any(v => !float.IsFinite(v))) throw new TrainingDivergedException(first + Array.FindIndex(values, v => !float.IsFinite(v)), "pretraining", null);
                emit(new MetricBatch(runId, values.Select((v, i) => new ScalarPoint(first + i, MetricCatalog.PretrainLoss, v)).ToArray(), []));
                first = step + 1;
            }
        }

        if (cached is not null) ParameterCheckpoint.Save(model, cached);
        return false;
    }
}
