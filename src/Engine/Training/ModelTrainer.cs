using QuantScope.Engine.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Training;

/// <summary>
/// One model and its AdamW optimizer: a training step on a given batch. The quantized run and its twin each have one
/// and are fed the same batches.
/// <para>
/// AdamW is stepped here rather than by TorchSharp's optimizer because every number a TorchSharp op takes becomes a
/// native <see cref="Scalar"/> with a finalizer and nothing keeps it alive during the native call: a garbage collection
/// at that moment lets the finalizer thread free it while libtorch reads it (seen as "Expected false to be true ...
/// toFloat" in addcmul_/addcdiv_). Each Scalar here lives in a <c>using</c> until its op has returned.
/// </para>
/// </summary>
internal sealed class ModelTrainer : IDisposable
{
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.95;
    private const double Eps = 1e-8;
    private readonly Parameter[] _parameters;
    private readonly Slot[] _slots;
    private readonly double _gradClip;

    /// <summary>Wraps <paramref name="model"/> (not owned) with AdamW: betas (0.9, 0.95), eps 1e-8, decay only on matrices.</summary>
    public ModelTrainer(LlamaForCausalLM model, double learningRate, double weightDecay, double gradClip)
    {
        Model = model;
        _gradClip = gradClip;
        _parameters = model.parameters().ToArray();
        // Matrices first, then vectors (norm weights), each in model order: the order of the state in a resume file.
        _slots = _parameters.Where(p => p.dim() >= 2).Select(p => new Slot(p, weightDecay))
            .Concat(_parameters.Where(p => p.dim() < 2).Select(p => new Slot(p, 0.0))).ToArray();
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
        Model.train();
        var logits = Model.forward(inputs); // [B, T, V]
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), targets.reshape(-1)); // [B·T, V] vs [B·T]
        ZeroGrad();
        loss.backward();
        afterBackward?.Invoke();
        if (_gradClip > 0) ClipGradients();
        foreach (var slot in _slots) slot.Update(lr);
        return loss;
    }

    /// <summary>Writes the AdamW state (per parameter: step count, first and second moments) for a resume checkpoint.</summary>
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(_slots.Length);
        foreach (var slot in _slots) slot.Save(writer);
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> for the same model size.</summary>
    /// <exception cref="InvalidDataException">Another number of parameters, or a moment of another shape.</exception>
    public void LoadState(BinaryReader reader)
    {
        var count = ResumeFormat.ReadCount(reader, "optimizer state");
        if (count != _slots.Length) throw new InvalidDataException($"holds {count} parameters; this model has {_slots.Length}");
        foreach (var slot in _slots) slot.Load(reader);
    }

    /// <summary>Every tensor of the AdamW state (first and second moments), for tests that check devices.</summary>
    internal IEnumerable<Tensor> StateTensors() => _slots.SelectMany(s => s.Tensors);

    private void ZeroGrad()
    {
        using var noGrad = no_grad();
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>Scales all gradients so their global L2 norm is at most the clip; tensor ops only, no sync.</summary>
    private void ClipGradients()
    {
        using var noGrad = no_grad();
        var grads = _parameters.Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return;
        using var tiny = 1e-6.ToScalar();
        using var clip = _gradClip.ToScalar();
        using var one = 1.0.ToScalar();
        var total = stack(grads.Select(g => g.pow(ScalarOps.Two).sum())).sum().sqrt_(); // 0-d; square() would pass a temporary 2
        var coefficient = total.add_(tiny, ScalarOps.One).reciprocal_().mul_(clip).clamp_max_(one); // NaN stays NaN: divergence shows next step
        foreach (var g in grads) g.mul_(coefficient);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var slot in _slots) slot.Dispose();
    }

    /// <summary>One parameter's AdamW state: decoupled weight decay, bias-corrected moments (Loshchilov and Hutter).</summary>
    private sealed class Slot(Parameter parameter, double weightDecay) : IDisposable
    {
        private readonly Tensor _expAvg = zeros_like(parameter);
        private readonly Tensor _expAvgSq = zeros_like(parameter);
        private long _steps;

        public void Update(double lr)
        {
            if (parameter.grad is not { } grad) return;
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            _steps++;
            var correction1 = 1 - Math.Pow(Beta1, _steps);
            var correction2 = 1 - Math.Pow(Beta2, _steps);
            using var decay = (1 - lr * weightDecay).ToScalar();
            using var beta1 = Beta1.ToScalar();
            using var rest1 = (1 - Beta1).ToScalar();
            using var beta2 = Beta2.ToScalar();
            using var rest2 = (1 - Beta2).ToScalar();
            using var root2 = Math.Sqrt(correction2).ToScalar();
            using var eps = Eps.ToScalar();
            using var stepSize = (-lr / correction1).ToScalar();
            parameter.mul_(decay);
            _expAvg.mul_(beta1).add_(grad, alpha: rest1);
            _expAvgSq.mul_(beta2).addcmul_(grad, grad, value: rest2);
            var denominator = _expAvgSq.sqrt().div_(root2).add_(eps, ScalarOps.One); // sqrt(v / (1 - β2^t)) + ε
            parameter.addcdiv_(_expAvg, denominator, value: stepSize); // θ -= lr / (1 - β1^t) · m / denominator
        }

        public Tensor[] Tensors => [_expAvg, _expAvgSq];

        public void Save(BinaryWriter writer)
        {
            writer.Write(_steps);
            ResumeFormat.WriteTensor(writer, _expAvg);
            ResumeFormat.WriteTensor(writer, _expAvgSq);
        }

        public void Load(BinaryReader reader)
        {
            var steps = reader.ReadInt64();
            if (steps < 0) throw new InvalidDataException($"a step count of {steps} is not possible");
            _steps = steps;
            ResumeFormat.ReadTensorInto(reader, _expAvg);
            ResumeFormat.ReadTensorInto(reader, _expAvgSq);
        }

        public void Dispose()
        {
            _expAvg.Dispose();
            _expAvgSq.Dispose();
        }
    }
}
