using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantScope.Engine.Model.Hf;

/// <summary>Writes a <see cref="ModelConfig"/> as a Hugging Face Llama <c>config.json</c> that transformers and <see cref="HfConfigReader"/> read back.</summary>
public static class HfConfigWriter
{
    /// <summary>The config JSON; <paramref name="torchDtype"/> is the weights' dtype as transformers names it (float32, float16, bfloat16).</summary>
    public static string ToJson(ModelConfig config, string torchDtype = "float32")
    {
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = config.DModel,
            ["intermediate_size"] = config.FfnDim,
            ["num_hidden_layers"] = config.Layers,
            ["num_attention_heads"] = config.Heads,
            ["num_key_value_heads"] = config.KvHeadCount(),
            ["head_dim"] = config.HeadDim(),
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = config.ContextLength,
            ["rms_norm_eps"] = config.NormEps,
            ["rope_theta"] = config.RopeTheta,
            ["rope_scaling"] = config.RopeScaling is not { } s ? null : s.Type == "linear"
                ? new JsonObject { ["rope_type"] = s.Type, ["factor"] = s.Factor }
                : new JsonObject
                {
                    ["rope_type"] = s.Type, ["factor"] = s.Factor, ["low_freq_factor"] = s.LowFreqFactor,
                    ["high_freq_factor"] = s.HighFreqFactor, ["original_max_position_embeddings"] = s.OriginalMaxPositionEmbeddings,
                },
            ["vocab_size"] = config.VocabSize,
            ["tie_word_embeddings"] = config.TieWordEmbeddings,
            ["attention_bias"] = false,
            ["mlp_bias"] = false,
            ["torch_dtype"] = torchDtype,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
