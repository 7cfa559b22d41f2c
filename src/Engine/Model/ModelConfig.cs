using System.Text.Json.Serialization;

namespace QuantScope.Engine.Model;

/// <summary>Size of a Llama-style decoder. Immutable; validated by <see cref="Training.ConfigValidator"/>.</summary>
public sealed record ModelConfig
{
    /// <summary>Number of decoder blocks (<c>model.layers.N</c>).</summary>
    public int Layers { get; init; } = 4;
    /// <summary>Hidden size (hidden_size in HF config).</summary>
    public int DModel { get; init; } = 128;
    /// <summary>Attention heads; must divide <see cref="DModel"/>, head size must be even for rotary embeddings.</summary>
    public int Heads { get; init; } = 4;
    /// <summary>SwiGLU inner size (intermediate_size); ~8/3 of d_model as in Llama.</summary>
    public int FfnDim { get; init; } = 344;
    /// <summary>Vocabulary size; 256 = the byte-level tokenizer of the built-in corpus.</summary>
    public int VocabSize { get; init; } = 256;
    /// <summary>Longest sequence the rotary tables are built for, tokens.</summary>
    public int ContextLength { get; init; } = 128;
    /// <summary>RMSNorm epsilon.</summary>
    public double NormEps { get; init; } = 1e-5;
    /// <summary>Rotary base (rope_theta).</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>
    /// Key/value heads (num_key_value_heads) for grouped-query attention: must divide <see cref="Heads"/>; null = as many
    /// as query heads (plain multi-head attention, the presets). Omitted from JSON when null, so stored configs stay as they were.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? KvHeads { get; init; }
    /// <summary>lm_head shares the embedding matrix (tie_word_embeddings): no <c>lm_head.weight</c> parameter.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Rotary frequency scaling (rope_scaling); null = none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RopeScalingConfig? RopeScaling { get; init; }

    /// <summary>Size of one attention head, DModel / Heads.</summary>
    public int HeadDim() => DModel / Heads;

    /// <summary>Key/value heads in effect: <see cref="KvHeads"/>, or <see cref="Heads"/> when unset.</summary>
    public int KvHeadCount() => KvHeads ?? Heads;

    /// <summary>For tests: trains in well under a second per step (~0.03 M parameters).</summary>
    public static ModelConfig Tiny { get; } = new() { Layers = 2, DModel = 32, Heads = 2, FfnDim = 64, ContextLength = 32 };

    /// <summary>
    /// The dashboard's demo model (~1.35 M parameters): a useful curve in a CPU minute. FFN 384 (3 x 128, ~3 x d_model)
    /// so every in-feature width (128, 384) is a multiple of 16, 32 and 128: NVFP4, MX and INT g128 blocks quantize every layer.
    /// </summary>
    public static ModelConfig Demo { get; } = new() { Layers = 6, FfnDim = 384 };

    /// <summary>
    /// ~14 M parameters: minutes per hundred steps on a CPU; for benchmarks and closer-to-real runs. Widths 384 and 1024
    /// (multiples of 128, FFN = 8/3 d_model) so every block format quantizes every layer.
    /// </summary>
    public static ModelConfig Small { get; } = new() { Layers = 8, DModel = 384, Heads = 6, FfnDim = 1024, ContextLength = 256 };

    /// <summary>
    /// GPT-2-small / OPT-125m shape (12 x 768, 12 heads, FFN 2048, context 1024) for GPU benchmarks: ~85 M parameters with
    /// the byte-level vocabulary (the "125 M" of that class counts a 50 k-token embedding); seconds per step on a CPU.
    /// </summary>
    public static ModelConfig Base { get; } = new() { Layers = 12, DModel = 768, Heads = 12, FfnDim = 2048, ContextLength = 1024 };

    /// <summary>The preset names accepted where a config says <c>"model": "NAME"</c>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["tiny", "demo", "small", "base"];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ModelConfig? Preset(string name) => name.ToLowerInvariant() switch
    {
        "tiny" => Tiny,
        "demo" => Demo,
        "small" => Small,
        "base" => Base,
        _ => null,
    };

    /// <summary>Number of trainable parameters (embeddings, blocks, final norm, lm_head).</summary>
    public long ParameterCount()
    {
        long d = DModel, f = FfnDim, v = VocabSize, kv = (long)KvHeadCount() * HeadDim();
        var block = 2 * d * d + 2 * d * kv + 3 * d * f + 2 * d; // q, o [d, d]; k, v [kv, d]; MLP; two norms
        return (TieWordEmbeddings ? 1 : 2) * v * d + Layers * block + d;
    }
}
