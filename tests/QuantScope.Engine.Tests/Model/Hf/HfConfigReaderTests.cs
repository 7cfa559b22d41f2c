using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Tests.Model.Hf;

public class HfConfigReaderTests
{
    /// <summary>SmolLM-135M's config.json (fields as published).</summary>
    internal const string SmolLm135M = """
        {"architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 0,
         "eos_token_id": 0, "hidden_act": "silu", "hidden_size": 576, "initializer_range": 0.02, "intermediate_size": 1536,
         "max_position_embeddings": 2048, "model_type": "llama", "num_attention_heads": 9, "num_hidden_layers": 30,
         "num_key_value_heads": 3, "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": null, "rope_theta": 10000.0,
         "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.40.1", "use_cache": true, "vocab_size": 49152}
        """;

    [Fact]
    public void Parse_SmolLm135M_MapsEveryField()
    {
        var c = HfConfigReader.Parse(SmolLm135M, "config.json");
        Assert.Equal((30, 576, 9, 3, 1536, 49152, 2048), (c.Layers, c.DModel, c.Heads, c.KvHeadCount(), c.FfnDim, c.VocabSize, c.ContextLength));
        Assert.Equal((1e-5, 10000.0, true), (c.NormEps, c.RopeTheta, c.TieWordEmbeddings));
        Assert.Null(c.RopeScaling);
        Assert.Equal(134_515_008, c.ParameterCount()); // SmolLM-135M's published parameter count
    }

    [Fact]
    public void Parse_Llama3RopeScaling_ReadsItsFactors()
    {
        var json = SmolLm135M.Replace("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192}");
        var s = HfConfigReader.Parse(json, "config.json").RopeScaling!;
        Assert.Equal(("llama3", 8.0, 1.0, 4.0, 8192), (s.Type, s.Factor, s.LowFreqFactor, s.HighFreqFactor, s.OriginalMaxPositionEmbeddings));
    }

    [Theory]
    [InlineData("\"LlamaForCausalLM\"", "\"Qwen2ForCausalLM\"", "architecture Qwen2ForCausalLM is not supported")]
    [InlineData("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4}", "rope_scaling type 'yarn' is not supported")]
    [InlineData("\"num_key_value_heads\": 3", "\"num_key_value_heads\": 2", "not a multiple of num_key_value_heads 2")]
    [InlineData("\"attention_bias\": false", "\"attention_bias\": true", "attention_bias: true is not supported")]
    [InlineData("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\"", "hidden_act 'gelu' is not supported")]
    [InlineData("\"vocab_size\": 49152", "\"vocab_size\": \"many\"", "vocab_size is required and must be an integer")]
    [InlineData("\"hidden_size\": 576", "\"hidden_size\": 576, \"head_dim\": 128", "head_dim 128 differs")]
    public void Parse_UnsupportedConfig_RefusesByName(string from, string to, string expected)
    {
        var ex = Assert.Throws<HfModelException>(() => HfConfigReader.Parse(SmolLm135M.Replace(from, to), "config.json"));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("config.json: ", ex.Message);
    }

    [Fact]
    public void Parse_NotJson_Throws() => Assert.Contains("not valid JSON", Assert.Throws<HfModelException>(() => HfConfigReader.Parse("{oops", "c")).Message);

    [Fact]
    public void ToJson_RoundTrip_GivesTheSameConfig()
    {
        var config = new ModelConfig { Layers = 2, DModel = 64, Heads = 8, KvHeads = 2, FfnDim = 96, VocabSize = 300, ContextLength = 64, NormEps = 1e-6, RopeTheta = 500000, TieWordEmbeddings = true, RopeScaling = new RopeScalingConfig { Type = "llama3", Factor = 8, OriginalMaxPositionEmbeddings = 32 } };
        Assert.Equal(config, HfConfigReader.Parse(HfConfigWriter.ToJson(config), "c"));
    }
}
