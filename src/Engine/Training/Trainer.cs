using System.Diagnostics;
using System.Threading.Channels;
using QuantScope.Engine.Data;
using QuantScope.Engine.Model;
using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// Trains a <see cref="LlamaForCausalLM"/> on the built-in synthetic corpus and streams metrics. Synchronous: call
/// <see cref="Run"/> on a dedicated thread (TorchSharp dispose scopes are thread-static). Deterministic for a fixed
/// seed: weights, corpus and batch order all derive from <see cref="TrainConfig.Seed"/>, never from global RNG state.
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>Global gradient-norm clip (nanoGPT's grad_clip), applied with tensor ops so it never syncs.</summary>
    public const double GradClip = 1.0;

    /// <summary>AdamW weight decay on matrices (embeddings, projections); norms get none.</summary>
    public const double WeightDecay = 0.1;

    private readonly TrainConfig _config;
    private readonly LlamaForCausalLM _model;
    private readonly BatchSampler _sampler;
    private readonly OptimizerHelper _optimizer;
    private readonly Parameter[] _parameters;
    private readonly bool _quantized;
    private readonly IReadOnlyList<string> _roles;
    private bool _started;

    /// <summary>Validates <paramref name="config"/> and builds the model, data and optimizer.</summary>
    /// <exception cref="ArgumentException">The config is invalid; the message lists every error by JSON path.</exception>
    public Trainer(TrainConfig config)
    {
        var errors = TrainConfigValidator.Validate(config);
        if (errors.Count > 0)
            throw new ArgumentException("Invalid training config: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")), nameof(config));

        _config = config;
        _model = new LlamaForCausalLM(config.Model, config.ResolvePlan(), config.Seed);
        Layout = new RunLayout(_model.QuantizedLayerNames);
        var resolved = _model.EffectivePlan!;
        EffectivePlan = resolved.ToPlanEntries();
        PlanWarnings = resolved.Warnings;
        _quantized = _model.QuantizedLayers.Any(l => l.Layer.IsQuantized);
        var gradients = _model.QuantizedLayers.Any(l => l.Layer.GradOutputRecipe is not null);
        _roles = LayerStatsLayout.Roles.Where(r => gradients || r != TensorRoles.GradOutput).ToArray();
        var tokens = new ByteTokenizer().Encode(SyntheticCorpus.Generate(config.Seed));
        _sampler = new BatchSampler(tokens, config.Seed);
        _parameters = _model.parameters().ToArray();

        // betas (0.9, 0.95) as in nanoGPT/Llama; decay only matrices (dim >= 2).
        var decay = _parameters.Where(p => p.dim() >= 2).ToArray();
        var noDecay = _parameters.Where(p => p.dim() < 2).ToArray();
        _optimizer = optim.AdamW(
            [
                new AdamW.ParamGroup(decay, lr: config.LearningRate, beta1: 0.9, beta2: 0.95, weight_decay: WeightDecay),
                new AdamW.ParamGroup(noDecay, lr: config.LearningRate, beta1: 0.9, beta2: 0.95, weight_decay: 0.0),
            ],
            lr: config.LearningRate, beta1: 0.9, beta2: 0.95);
    }

    /// <summary>The quantized layers by full module name, in heatmap row order (also for unquantized runs).</summary>
    public RunLayout Layout { get; }

    /// <summary>
    /// The effective quantization plan: per layer (Layout order) its input and weight (and grad_output where the plan
    /// quantizes it), with format, recipe and fallback notes.
    /// </summary>
    public IReadOnlyList<PlanEntry> EffectivePlan { get; }

    /// <summary>Plan rules that matched no layer, and block-size fallbacks.</summary>
    public IReadOnlyList<string> PlanWarnings { get; }

    /// <summary>The validated config.</summary>
    public TrainConfig Config => _config;

    /// <summary>The model being trained (tests poison weights through it).</summary>
    internal LlamaForCausalLM Model => _model;

    /// <summary>Test hook: called on the training thread before each step, outside its dispose scope.</summary>
    internal Action<int>? BeforeStep { get; set; }

    /// <summary>
    /// Runs all steps on the calling thread. Every <see cref="TrainConfig.LogEvery"/> steps (and after the last) the
    /// window's stats are copied to the host once and written to <paramref name="output"/> as one batch holding every
    /// step of the window; the write waits for space. The channel is never completed here: the caller does that.
    /// Can be called once per trainer.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; at most one more step runs after the request. Steps not yet flushed are dropped.</exception>
    /// <exception cref="TrainingDivergedException">Non-finite loss or amax; the finite steps before it were written first.</exception>
    /// <exception cref="InvalidOperationException">Called twice, or the channel was completed by someone else.</exception>
    public void Run(Guid runId, ChannelWriter<MetricBatch> output, CancellationToken ct)
    {
        if (_started) throw new InvalidOperationException("A trainer runs once.");
        _started = true;

        var layers = _model.QuantizedLayers.Select(l => l.Layer).ToArray();
        using var window = new StatsWindow(_config.LogEvery, layers);
        var pending = new List<StepRecord>(_config.LogEvery);
        var tokensPerStep = (long)_config.BatchSize * _config.SeqLen;
        var watch = new Stopwatch();
        _model.train();

        for (var step = 0; step < _config.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            BeforeStep?.Invoke(step);
            var lr = LrSchedule.At(step, _config.Steps, _config.LearningRate);
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;

            watch.Restart();
            using (NewDisposeScope())
            {
                var loss = TrainStep();
                window.Record(pending.Count, loss);
            }

            watch.Stop(); // CPU ops are synchronous, so this is the step's compute time (on a GPU it would need a sync)
            pending.Add(new StepRecord(step, lr, watch.Elapsed.TotalMilliseconds, tokensPerStep * (step + 1)));

            if (pending.Count == _config.LogEvery || step == _config.Steps - 1)
            {
                var rows = window.CopyToHost(pending.Count); // the window's single device->host copy
                var batch = MetricBatchFactory.Build(runId, Layout.Layers, _roles, _quantized, pending, rows, out var diverged);
                pending.Clear();
                if (batch.Scalars.Count > 0) WriteBlocking(output, batch, ct);
                if (diverged is not null) throw diverged;
            }
        }
    }

    /// <summary>Disposes the model and optimizer state.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
    }

    /// <summary>One optimizer step on a fresh batch; all temporaries belong to the caller's dispose scope.</summary>
    private Tensor TrainStep()
    {
        var batch = _sampler.Next(_config.BatchSize, _config.SeqLen); // [B, T+1]
        var inputs = batch.narrow(1, 0, _config.SeqLen); // [B, T]
        var targets = batch.narrow(1, 1, _config.SeqLen); // [B, T] next tokens
        var logits = _model.forward(inputs); // [B, T, V]
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1)); // [B·T, V] vs [B·T]
        _optimizer.zero_grad();
        loss.backward();
        ClipGradients();
        _optimizer.step();
        return loss;
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <see cref="GradClip"/>; tensor ops only, no sync.</summary>
    private void ClipGradients()
    {
        using var noGrad = no_grad();
        var grads = _parameters.Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return;
        var total = stack(grads.Select(g => g.square().sum())).sum().sqrt_(); // 0-d
        var coefficient = total.add_(1e-6).reciprocal_().mul_(GradClip).clamp_max_(1.0); // NaN stays NaN: divergence shows next step
        foreach (var g in grads) g.mul_(coefficient);
    }

    private static void WriteBlocking(ChannelWriter<MetricBatch> output, MetricBatch batch, CancellationToken ct)
    {
        // Blocks the training thread (never inside a dispose scope) until the bounded channel has room.
        while (!output.TryWrite(batch))
        {
            if (!output.WaitToWriteAsync(ct).AsTask().GetAwaiter().GetResult())
                throw new InvalidOperationException("The metrics channel was completed while the run was still writing.");
        }
    }
}
