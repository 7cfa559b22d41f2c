using QuantScope.Engine.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QuantScope.Engine.Training;

/// <summary>
/// One model and its AdamW optimizer: a training step on a given batch. The quantized run and its twin each have one
/// and are fed the same batches.
/// </summary>
internal sealed class ModelTrainer : IDisposable
{
    private readonly OptimizerHelper _optimizer;
    private readonly Parameter[] _parameters;
    private readonly double _gradClip;

    /// <summary>Wraps <paramref name="model"/> (not owned) with AdamW: betas (0.9, 0.95), decay only on matrices.</summary>
    public ModelTrainer(LlamaForCausalLM model, double learningRate, double weightDecay, double gradClip)
    {
        Model = model;
        _gradClip = gradClip;
        _parameters = model.parameters().ToArray();
        var decay = _parameters.Where(p => p.dim() >= 2).ToArray();
        var noDecay = _parameters.Where(p => p.dim() < 2).ToArray();
        _optimizer = optim.AdamW(
            [
                new AdamW.ParamGroup(decay, lr: learningRate, beta1: 0.9, beta2: 0.95, weight_decay: weightDecay),
                new AdamW.ParamGroup(noDecay, lr: learningRate, beta1: 0.9, beta2: 0.95, weight_decay: 0.0),
            ],
            lr: learningRate, beta1: 0.9, beta2: 0.95);
    }

    /// <summary>The model being trained.</summary>
    public LlamaForCausalLM Model { get; }

    /// <summary>One optimizer step on inputs/targets [B, T] at <paramref name="lr"/>; the loss (0-d) and all temporaries belong to the caller's dispose scope.</summary>
    /// <param name="inputs">Input tokens.</param>
    /// <param name="targets">Next tokens.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="afterBackward">Called between the backward pass and the clip (gradient statistics).</param>
    public Tensor Step(Tensor inputs, Tensor targets, double lr, Action? afterBackward = null)
    {
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
        Model.train();
        var logits = Model.forward(inputs); // [B, T, V]
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1)); // [B·T, V] vs [B·T]
        _optimizer.zero_grad();
        loss.backward();
        afterBackward?.Invoke();
        if (_gradClip > 0) ClipGradients();
        _optimizer.step();
        return loss;
    }

    /// <summary>Writes the AdamW state (per parameter: step count, first and second moments; group options) for a resume checkpoint.</summary>
    public void SaveState(BinaryWriter writer) => _optimizer.save_state_dict(writer);

    /// <summary>Restores a state written by <see cref="SaveState"/> for the same model size.</summary>
    public void LoadState(BinaryReader reader) => _optimizer.load_state_dict(reader);

    /// <summary>Scales all gradients so their global L2 norm is at most the clip; tensor ops only, no sync.</summary>
    private void ClipGradients()
    {
        using var noGrad = no_grad();
        var grads = _parameters.Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return;
        var total = stack(grads.Select(g => g.square().sum())).sum().sqrt_(); // 0-d
        var coefficient = total.add_(1e-6).reciprocal_().mul_(_gradClip).clamp_max_(1.0); // NaN stays NaN: divergence shows next step
        foreach (var g in grads) g.mul_(coefficient);
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();
}
