using QuantScope.Engine.Quantization;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Model;

/// <summary>One pre-norm decoder block (<c>model.layers.N</c>): x + attn(norm(x)), then h + mlp(norm(h)).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _inputLayernorm;
    [ComponentName(Name = "self_attn")]
    private readonly LlamaAttention _selfAttn;
    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _postAttentionLayernorm;
    [ComponentName(Name = "mlp")]
    private readonly LlamaMlp _mlp;

    /// <summary>Creates block <paramref name="name"/> for <paramref name="config"/>, unquantized (a plan configures its projections).</summary>
    public LlamaDecoderLayer(string name, ModelConfig config, Device? device = null) : base(name)
    {
        // Registration order fixes the order of named_modules and so the heatmap rows: q, k, v, o, gate, up, down.
        _selfAttn = new LlamaAttention("self_attn", config, device);
        _mlp = new LlamaMlp("mlp", config, device);
        _inputLayernorm = new RmsNorm("input_layernorm", config.DModel, config.NormEps, device);
        _postAttentionLayernorm = new RmsNorm("post_attention_layernorm", config.DModel, config.NormEps, device);
        register_module("self_attn", _selfAttn);
        register_module("mlp", _mlp);
        register_module("input_layernorm", _inputLayernorm);
        register_module("post_attention_layernorm", _postAttentionLayernorm);
    }

    /// <summary>Residual dropout on the attention and MLP outputs in training mode, or null (none).</summary>
    public SeededDropout? Dropout { get; set; }

    /// <summary>x [B, T, D], cos/sin [T, h] -> [B, T, D].</summary>
    public override Tensor forward(Tensor x, Tensor cos, Tensor sin)
    {
        using var normed = _inputLayernorm.forward(x);
        using var attended = Drop(_selfAttn.forward(normed, cos, sin));
        using var h = x.add(attended, ScalarOps.One); // held alpha: see Numerics/ScalarOps
        using var normed2 = _postAttentionLayernorm.forward(h);
        using var mlpOut = Drop(_mlp.forward(normed2));
        return h.add(mlpOut, ScalarOps.One);
    }

    private Tensor Drop(Tensor t)
    {
        if (Dropout is null || !training) return t;
        using (t) return Dropout.Apply(t);
    }
}
