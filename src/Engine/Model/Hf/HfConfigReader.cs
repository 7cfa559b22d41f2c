using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// Reads a Hugging Face <c>config.json</c> of the Llama family into a <see cref="ModelConfig"/>. Only what the engine
/// computes exactly is accepted: <c>LlamaForCausalLM</c> without biases, SiLU, head_dim = hidden / heads, rope scaling
/// <c>linear</c> or <c>llama3</c>. Anything else is refused by name rather than loaded approximately.
/// </summary>
public static class HfConfigReader
{
    /// <summary>The config's file name in a model folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The architectures the engine's model implements.</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } = ["LlamaForCausalLM"];

    /// <summary>Longest context the rotary tables are built for, tokens (max_position_embeddings is capped to this).</summary>
    public const int MaxContext = 32768;

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="HfModelException">Missing, not JSON, unsupported, or a field out of range.</exception>
    public static ModelConfig Read(string path)
    {
        if (!File.Exists(path)) throw new HfModelException($"{path}: file not found");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses config JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="HfModelException">Not JSON, unsupported, or a field out of range.</exception>
    public static ModelConfig Parse(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32 }) as JsonObject
                ?? throw new HfModelException($"{source}: must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new HfModelException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        try
        {
            return ParseCore(root);
        }
        catch (HfModelException ex)
        {
            throw new HfModelException($"{source}: {ex.Message}", ex);
        }
    }

    private static ModelConfig ParseCore(JsonObject root)
    {
        CheckArchitecture(root);
        var hidden = Int(root, "hidden_size", 8, 65536);
        var heads = Int(root, "num_attention_heads", 1, 1024);
        var kvHeads = root["num_key_value_heads"] is null ? heads : Int(root, "num_key_value_heads", 1, heads);
        if (hidden % heads != 0) throw new HfModelException($"hidden_size {hidden} is not a multiple of num_attention_heads {heads}");
        if (heads % kvHeads != 0) throw new HfModelException($"num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}");
        var headDim = hidden / heads;
        if (root["head_dim"] is not null && Int(root, "head_dim", 1, 65536) != headDim)
            throw new HfModelException($"head_dim {root["head_dim"]} differs from hidden_size / num_attention_heads = {headDim}: not supported");
        if (headDim % 2 != 0) throw new HfModelException($"head size {headDim} must be even for rotary embeddings");
        foreach (var flag in new[] { "attention_bias", "mlp_bias" })
            if (root[flag] is JsonValue v && v.TryGetValue<bool>(out var on) && on) throw new HfModelException($"{flag}: true is not supported (Llama has no biases)");
        if (root["hidden_act"] is { } act && Text(act) != "silu") throw new HfModelException($"hidden_act '{Text(act)}' is not supported (silu only)");
        var maxPositions = root["max_position_embeddings"] is null ? 2048 : Int(root, "max_position_embeddings", 2, int.MaxValue);
        return new ModelConfig
        {
            Layers = Int(root, "num_hidden_layers", 1, 1024),
            DModel = hidden,
            Heads = heads,
            KvHeads = kvHeads == heads ? null : kvHeads,
            FfnDim = Int(root, "intermediate_size", 1, 1 << 20),
            VocabSize = Int(root, "vocab_size", 2, 1 << 22),
            ContextLength = Math.Min(maxPositions, MaxContext),
            NormEps = Double(root, "rms_norm_eps", 1e-6),
            RopeTheta = Double(root, "rope_theta", 10000.0),
            TieWordEmbeddings = root["tie_word_embeddings"] is JsonValue tie && tie.TryGetValue<bool>(out var tied) && tied,
            RopeScaling = ReadRopeScaling(root["rope_scaling"]),
        };
    }

    private static void CheckArchitecture(JsonObject root)
    {
        if (root["architectures"] is JsonArray architectures && architectures.Count > 0)
        {
            var names = architectures.Select(Text).ToArray();
            if (!names.Any(SupportedArchitectures.Contains))
                throw new HfModelException($"architecture {string.Join(", ", names)} is not supported (supported: {string.Join(", ", SupportedArchitectures)})");
            return;
        }

        var type = root["model_type"] is { } t ? Text(t) : null;
        if (type != "llama") throw new HfModelException($"model_type '{type ?? "(missing)"}' is not supported and no architectures are given (supported: llama)");
    }

    private static RopeScalingConfig? ReadRopeScaling(JsonNode? node)
    {
        if (node is null) return null;
        if (node is not JsonObject o) throw new HfModelException("rope_scaling must be an object or null");
        var type = (o["rope_type"] ?? o["type"]) is { } t ? Text(t) : null;
        if (type == "default") return null;
        if (type is null || !RopeScalingConfig.Types.Contains(type))
            throw new HfModelException($"rope_scaling type '{type ?? "(missing)"}' is not supported (supported: {string.Join(", ", RopeScalingConfig.Types)})");
        var factor = Double(o, "factor", double.NaN, "rope_scaling.");
        if (!(factor > 0)) throw new HfModelException("rope_scaling.factor must be a positive number");
        if (type == "linear") return new RopeScalingConfig { Type = type, Factor = factor };
        var scaling = new RopeScalingConfig
        {
            Type = type,
            Factor = factor,
            LowFreqFactor = Double(o, "low_freq_factor", 1.0, "rope_scaling."),
            HighFreqFactor = Double(o, "high_freq_factor", 4.0, "rope_scaling."),
            OriginalMaxPositionEmbeddings = Int(o, "original_max_position_embeddings", 1, int.MaxValue, "rope_scaling."),
        };
        if (!(scaling.HighFreqFactor > scaling.LowFreqFactor && scaling.LowFreqFactor > 0))
            throw new HfModelException("rope_scaling needs 0 < low_freq_factor < high_freq_factor");
        return scaling;
    }

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null";

    private static int Int(JsonObject o, string field, int min, int max, string prefix = "")
    {
        if (o[field] is not JsonValue v || !v.TryGetValue<long>(out var value) && !TryWholeDouble(v, out value))
            throw new HfModelException($"{prefix}{field} is required and must be an integer");
        if (value < min || value > max) throw new HfModelException($"{prefix}{field} {value} is outside {min}..{max}");
        return (int)value;
    }

    private static bool TryWholeDouble(JsonValue v, out long value)
    {
        value = 0;
        if (!v.TryGetValue<double>(out var d) || d != Math.Floor(d) || Math.Abs(d) > long.MaxValue / 2) return false;
        value = (long)d;
        return true;
    }

    private static double Double(JsonObject o, string field, double fallback, string prefix = "")
    {
        if (o[field] is null) return fallback;
        if (o[field] is not JsonValue v || !v.TryGetValue<double>(out var value) || !double.IsFinite(value) || value <= 0)
            throw new HfModelException($"{prefix}{field} must be a positive finite number");
        return value;
    }
}
