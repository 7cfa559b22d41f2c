using System.Globalization;
using QuantScope.Engine.Model;
using QuantScope.Engine.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Analysis.Ptq;

/// <summary>
/// The decoder's forward pass step by step from its named modules, to see each quantized linear's input (TorchSharp
/// hooks fire only through <c>call()</c>, and the model calls <c>forward()</c>). Mirrors LlamaModel, LlamaDecoderLayer,
/// LlamaAttention and LlamaMlp in eval mode (no dropout); a test checks it against <c>LlamaModel.forward</c>.
/// </summary>
internal static class ActivationProbe
{
    /// <summary>
    /// Runs tokens [B, T] through the model (caller: eval mode, no_grad, a dispose scope) and returns the input tensor
    /// of every quantized linear by full name, and the final hidden state [B, T, D] after the last norm.
    /// </summary>
    public static (Dictionary<string, Tensor> Inputs, Tensor Hidden) Run(LlamaForCausalLM model, Tensor tokens)
    {
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        T Get<T>(string name) where T : class => (T)(object)modules[name];
        var config = model.Config;
        var (b, t) = (tokens.shape[0], tokens.shape[1]);
        var (heads, kvHeads, headDim) = (config.Heads, config.KvHeadCount(), config.HeadDim());
        var (cos, sin) = Get<RotaryEmbedding>("model.rotary_emb").Slice(t); // [T, h] each
        var inputs = new Dictionary<string, Tensor>();
        var h = Get<Embedding>("model.embed_tokens").forward(tokens); // [B, T, D]
        for (var i = 0; i < config.Layers; i++)
        {
            var at = $"model.layers.{i.ToString(CultureInfo.InvariantCulture)}.";
            Tensor Linear(string name, Tensor x)
            {
                inputs[at + name] = x;
                return Get<QuantLinear>(at + name).forward(x);
            }

            Tensor Split(Tensor p, int n) => p.view(b, t, n, headDim).transpose(1, 2); // [B, T, n·h] -> [B, n, T, h]
            var normed = Get<RmsNorm>(at + "input_layernorm").forward(h);
            var q = RotaryEmbedding.Apply(Split(Linear("self_attn.q_proj", normed), heads), cos, sin);
            var k = LlamaAttention.RepeatKv(RotaryEmbedding.Apply(Split(Linear("self_attn.k_proj", normed), kvHeads), cos, sin), heads / kvHeads);
            var v = LlamaAttention.RepeatKv(Split(Linear("self_attn.v_proj", normed), kvHeads), heads / kvHeads); // GQA: [B, H, T, h]
            var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true); // [B, H, T, h]
            var merged = attended.transpose(1, 2).reshape(b, t, heads * headDim); // [B, T, D]
            h = h.add(Linear("self_attn.o_proj", merged), ScalarOps.One); // held alpha: see Numerics/ScalarOps
            var normed2 = Get<RmsNorm>(at + "post_attention_layernorm").forward(h);
            var product = nn.functional.silu(Linear("mlp.gate_proj", normed2)).mul_(Linear("mlp.up_proj", normed2)); // [B, T, F]
            h = h.add(Linear("mlp.down_proj", product), ScalarOps.One);
        }

        return (inputs, Get<RmsNorm>("model.norm").forward(h));
    }
}
