using QuantScope.Engine.Quantization;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace QuantScope.Engine.Model;

/// <summary>
/// Causal multi-head self-attention with rotary positions (<c>self_attn</c>): quantized <c>q_proj</c>, <c>k_proj</c>,
/// <c>v_proj</c>, <c>o_proj</c> (no biases, as in Llama), softmax attention via libtorch's scaled_dot_product_attention.
/// </summary>
public sealed class LlamaAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "q_proj")]
    private readonly QuantLinear _qProj;
    [ComponentName(Name = "k_proj")]
    private readonly QuantLinear _kProj;
    [ComponentName(Name = "v_proj")]
    private readonly QuantLinear _vProj;
    [ComponentName(Name = "o_proj")]
    private readonly QuantLinear _oProj;
    private readonly SharedInput _input = new(); // q, k and v read the same x: its own statistics once
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    /// <summary>Creates the block's attention for <paramref name="config"/>, unquantized (a plan configures its projections).</summary>
    public LlamaAttention(string name, ModelConfig config, Device? device = null) : base(name)
    {
        _heads = config.Heads;
        _kvHeads = config.KvHeadCount();
        _headDim = config.HeadDim();
        var kvWidth = _kvHeads * _headDim; // = DModel without grouped-query attention
        _qProj = new QuantLinear("q_proj", config.DModel, config.DModel, false, null, null, device);
        _kProj = new QuantLinear("k_proj", config.DModel, kvWidth, false, null, null, device);
        _vProj = new QuantLinear("v_proj", config.DModel, kvWidth, false, null, null, device);
        _oProj = new QuantLinear("o_proj", config.DModel, config.DModel, false, null, null, device);
        register_module("q_proj", _qProj);
        register_module("k_proj", _kProj);
        register_module("v_proj", _vProj);
        register_module("o_proj", _oProj);
        _qProj.SharedInput = _kProj.SharedInput = _vProj.SharedInput = _input;
    }

    /// <summary>x [B, T, D], cos/sin [T, h] -> [B, T, D].</summary>
    public override Tensor forward(Tensor x, Tensor cos, Tensor sin)
    {
        var (b, t) = (x.shape[0], x.shape[1]);
        using var reading = _input.Read(x); // until the end of this call
        using var q = Heads(_qProj.forward(x), b, t, _heads); // [B, H, T, h]
        using var k = Heads(_kProj.forward(x), b, t, _kvHeads); // [B, Hkv, T, h]
        using var v = Heads(_vProj.forward(x), b, t, _kvHeads);
        using var qRot = RotaryEmbedding.Apply(q, cos, sin);
        using var kRot = RotaryEmbedding.Apply(k, cos, sin);
        using var kAll = RepeatKv(kRot, _heads / _kvHeads); // [B, H, T, h]
        using var vAll = RepeatKv(v, _heads / _kvHeads);
        using var attended = nn.functional.scaled_dot_product_attention(qRot, kAll, vAll, is_casual: true); // [B, H, T, h]
        using var merged = attended.transpose(1, 2).reshape(b, t, _heads * _headDim); // [B, T, D]
        return _oProj.forward(merged);
    }

    /// <summary>
    /// Grouped-query attention's repeat_kv: [B, Hkv, T, h] -> [B, Hkv·rep, T, h], each key/value head serving
    /// <paramref name="rep"/> consecutive query heads (as transformers' repeat_kv). rep 1 returns an alias.
    /// </summary>
    public static Tensor RepeatKv(Tensor x, int rep) => rep == 1 ? x.alias() : x.repeat_interleave(rep, dim: 1);

    private Tensor Heads(Tensor projected, long b, long t, int heads)
    {
        using (projected)
        {
            return projected.view(b, t, heads, _headDim).transpose(1, 2); // [B, T, heads·h] -> [B, heads, T, h]
        }
    }
}
