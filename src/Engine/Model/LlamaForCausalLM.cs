using QuantScope.Engine.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Model;

/// <summary>
/// A Llama-style causal language model whose module names match Hugging Face Llama state-dict keys
/// (<c>model.embed_tokens</c>, <c>model.layers.3.mlp.down_proj</c>, <c>model.norm</c>, <c>lm_head</c>).
/// Every projection inside the blocks is a <see cref="QuantLinear"/>; <c>lm_head</c> and the embedding stay full precision.
/// </summary>
public sealed class LlamaForCausalLM : nn.Module<Tensor, Tensor>
{
    /// <summary>Standard deviation of the normal init of embeddings and projections (HF's initializer_range).</summary>
    public const double InitStd = 0.02;

    [ComponentName(Name = "model")]

    private readonly LlamaModel _model;
    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead; // null with tied embeddings: the logits use model.embed_tokens.weight

    /// <summary>
    /// Builds the model, initialises every weight deterministically from <paramref name="seed"/>, and applies
    /// <paramref name="plan"/> per layer and role (resolved against the full module names and widths; see
    /// <see cref="EffectivePlan"/>).
    /// </summary>
    /// <param name="config">Model size.</param>
    /// <param name="plan">Which layers and roles are quantized, and how (<see cref="QuantPlan.HighPrecision"/>: none).</param>
    /// <param name="seed">Weight seed; uses its own generator, never torch's global one.</param>
    /// <param name="device">Where every parameter, buffer and state lives (null = CPU). The init draws from a generator on
    /// that device: the same seed gives the same weights on the same kind of device.</param>
    public LlamaForCausalLM(ModelConfig config, QuantPlan plan, int seed, Device? device = null) : base("LlamaForCausalLM")
    {
        Config = config;
        Device = device ?? CPU;
        _model = new LlamaModel("model", config, Device);
        register_module("model", _model);
        if (!config.TieWordEmbeddings)
        {
            _lmHead = nn.Linear(config.DModel, config.VocabSize, hasBias: false, device: Device);
            register_module("lm_head", _lmHead);
        }

        QuantizedLayers = named_modules()
            .Where(m => m.module is QuantLinear)
            .Select(m => (m.name, (QuantLinear)m.module))
            .ToArray();
        QuantizedLayerNames = QuantizedLayers.Select(l => l.Name).ToArray();
        InitWeights(seed);
        var byName = QuantizedLayers.ToDictionary(l => l.Name, l => l.Layer);
        EffectivePlan = plan.Resolve(QuantizedLayerNames,
            (name, role) => role == Telemetry.TensorRole.Grad ? byName[name].OutFeatures : byName[name].InFeatures);
        foreach (var (name, layer) in QuantizedLayers)
        {
            layer.Configure(
                EffectivePlan.RecipeFor(name, Telemetry.TensorRole.Input),
                EffectivePlan.RecipeFor(name, Telemetry.TensorRole.Weight),
                EffectivePlan.RecipeFor(name, Telemetry.TensorRole.Grad));
        }
    }

    /// <summary>The plan as resolved against this model's layers.</summary>
    public ResolvedPlan EffectivePlan { get; }

    /// <summary>Where the model's tensors live.</summary>
    public Device Device { get; }

    /// <summary>The size this model was built for.</summary>
    public ModelConfig Config { get; }

    /// <summary>Full module names of the quantized linears in forward order (q, k, v, o, gate, up, down per block): heatmap rows.</summary>
    public IReadOnlyList<string> QuantizedLayerNames { get; }

    /// <summary>The quantized linears with their full names, same order as <see cref="QuantizedLayerNames"/>.</summary>
    public IReadOnlyList<(string Name, QuantLinear Layer)> QuantizedLayers { get; }

    /// <summary>
    /// The dtype of every matmul in the linear layers and <c>lm_head</c> (Float32 or BFloat16; weights stay FP32 master
    /// copies, outputs come back in FP32). Attention scores, softmax, norms and the loss always run in FP32.
    /// </summary>
    public ScalarType ComputeType { get; private set; } = ScalarType.Float32;

    /// <summary>Sets <see cref="ComputeType"/> on the model and all its quantized linears.</summary>
    public void SetComputeType(ScalarType type)
    {
        if (type is not (ScalarType.Float32 or ScalarType.BFloat16)) throw new ArgumentOutOfRangeException(nameof(type), type, "Float32 or BFloat16.");
        ComputeType = type;
        foreach (var (_, layer) in QuantizedLayers) layer.ComputeType = type;
    }

    /// <summary>Residual dropout with probability <paramref name="p"/> (0 = none) from a generator seeded with <paramref name="seed"/>.</summary>
    public void SetDropout(double p, int seed)
    {
        _dropout?.Dispose();
        _dropout = p > 0 ? new SeededDropout(p, seed, Device) : null;
        foreach (var block in _model.Layers) block.Dropout = _dropout;
    }

    private SeededDropout? _dropout;

    /// <summary>The residual dropout set by <see cref="SetDropout"/>, or null (none).</summary>
    public SeededDropout? Dropout => _dropout;

    /// <summary>tokens [B, T] int64 -> logits [B, T, vocab].</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var hidden = _model.forward(tokens); // [B, T, D]
        if (_lmHead is null && ComputeType == ScalarType.Float32) return nn.functional.linear(hidden, _model.EmbedWeight); // [B, T, V]
        if (_lmHead is not null && ComputeType == ScalarType.Float32) return _lmHead.forward(hidden); // [B, T, V]
        using var h = hidden.to(ComputeType);
        using var w = (_lmHead?.weight ?? _model.EmbedWeight).to(ComputeType);
        using var logits = nn.functional.linear(h, w);
        return logits.to(ScalarType.Float32);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _dropout?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Norm weights 1, biases 0, everything else N(0, <see cref="InitStd"/>) drawn in named_parameters order.</summary>
    private void InitWeights(int seed)
    {
        using var generator = new Generator((ulong)seed, Device); // per device: CPU and CUDA generators differ
        using var noGrad = no_grad();
        using var one = 1.0.ToScalar(); // held Scalars (see Numerics/ScalarOps)
        using var std = InitStd.ToScalar();
        foreach (var (name, parameter) in named_parameters())
        {
            using var scope = NewDisposeScope();
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(one);
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_();
            else parameter.copy_(randn(parameter.shape, device: Device, generator: generator).mul_(std));
        }
    }
}
