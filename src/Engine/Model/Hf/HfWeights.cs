using QuantScope.Engine.Model.SafeTensors;
using static TorchSharp.torch;

namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// Maps safetensors weights onto <see cref="LlamaForCausalLM"/> by Hugging Face name (the module names already are
/// HF keys) and writes a model back. Loading checks every name and shape before copying anything, so a model is never
/// half-loaded.
/// </summary>
public static class HfWeights
{
    /// <summary>Largest number of names listed in one error message.</summary>
    private const int ListedNames = 8;

    /// <summary>Copies the checkpoint's weights into <paramref name="model"/>.</summary>
    /// <exception cref="HfModelException">Missing, unexpected or shape-mismatched tensors, all named.</exception>
    public static void Load(LlamaForCausalLM model, SafeTensorsCheckpoint checkpoint)
    {
        Check(model.Config, checkpoint.Tensors);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            parameter.copy_(checkpoint.ReadTensor(name));
        }
    }

    /// <summary>
    /// Checks that <paramref name="available"/> holds exactly the tensors a model of <paramref name="config"/> needs,
    /// with their shapes, without building the model.
    /// </summary>
    /// <exception cref="HfModelException">Missing, unexpected or shape-mismatched tensors, all named.</exception>
    public static void Check(ModelConfig config, IReadOnlyDictionary<string, SafeTensorInfo> available)
    {
        var expected = ExpectedShapes(config);
        var missing = expected.Keys.Where(n => !available.ContainsKey(n)).ToArray();
        var unexpected = available.Keys.Where(n => !expected.ContainsKey(n) && !Ignorable(n, config)).Order(StringComparer.Ordinal).ToArray();
        var mismatched = expected.Where(p => available.TryGetValue(p.Key, out var info) && !info.Shape.SequenceEqual(p.Value))
            .Select(p => $"{p.Key} [{string.Join(", ", available[p.Key].Shape)}] (config needs [{string.Join(", ", p.Value)}])")
            .ToArray();
        var problems = new List<string>();
        if (missing.Length > 0) problems.Add($"{missing.Length} missing: {List(missing)}");
        if (unexpected.Length > 0) problems.Add($"{unexpected.Length} unexpected: {List(unexpected)}");
        if (mismatched.Length > 0) problems.Add($"{mismatched.Length} with the wrong shape: {List(mismatched)}");
        if (problems.Count > 0) throw new HfModelException("the weights do not fit the config: " + string.Join("; ", problems));
    }

    /// <summary>Every parameter of a model of <paramref name="config"/> by HF name with its shape, in named_parameters order.</summary>
    public static IReadOnlyDictionary<string, long[]> ExpectedShapes(ModelConfig config)
    {
        long d = config.DModel, f = config.FfnDim, kv = (long)config.KvHeadCount() * config.HeadDim();
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["model.embed_tokens.weight"] = [config.VocabSize, d] };
        for (var i = 0; i < config.Layers; i++)
        {
            var at = $"model.layers.{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}.";
            shapes[at + "self_attn.q_proj.weight"] = [d, d];
            shapes[at + "self_attn.k_proj.weight"] = [kv, d];
            shapes[at + "self_attn.v_proj.weight"] = [kv, d];
            shapes[at + "self_attn.o_proj.weight"] = [d, d];
            shapes[at + "mlp.gate_proj.weight"] = [f, d];
            shapes[at + "mlp.up_proj.weight"] = [f, d];
            shapes[at + "mlp.down_proj.weight"] = [d, f];
            shapes[at + "input_layernorm.weight"] = [d];
            shapes[at + "post_attention_layernorm.weight"] = [d];
        }

        shapes["model.norm.weight"] = [d];
        if (!config.TieWordEmbeddings) shapes["lm_head.weight"] = [config.VocabSize, d];
        return shapes;
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s parameters under their HF names as <paramref name="dtype"/>: one
    /// <c>model.safetensors</c>, or shards of at most <paramref name="maxShardBytes"/> (0 = no limit) plus
    /// <c>model.safetensors.index.json</c>. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> Save(LlamaForCausalLM model, string folder, SafeTensorDType dtype, long maxShardBytes = 0)
    {
        Directory.CreateDirectory(folder);
        var shards = new List<List<SafeTensorData>> { new() };
        long shardBytes = 0, total = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var scope = NewDisposeScope();
            var values = parameter.detach().cpu().contiguous().to(ScalarType.Float32).data<float>().ToArray();
            var data = SafeTensorData.FromFloats(name, parameter.shape, values, dtype);
            if (maxShardBytes > 0 && shardBytes > 0 && shardBytes + data.Bytes.LongLength > maxShardBytes)
            {
                shards.Add([]);
                shardBytes = 0;
            }

            shards[^1].Add(data);
            shardBytes += data.Bytes.LongLength;
            total += data.Bytes.LongLength;
        }

        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (shards.Count == 1)
        {
            var path = Path.Combine(folder, SafeTensorsCheckpoint.SingleFileName);
            SafeTensorsWriter.WriteFile(path, shards[0], metadata);
            return [path];
        }

        var written = new List<string>();
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < shards.Count; i++)
        {
            var file = $"model-{i + 1:00000}-of-{shards.Count:00000}.safetensors";
            SafeTensorsWriter.WriteFile(Path.Combine(folder, file), shards[i], metadata);
            foreach (var t in shards[i]) map[t.Name] = file;
            written.Add(Path.Combine(folder, file));
        }

        var index = Path.Combine(folder, SafeTensorsIndex.FileName);
        File.WriteAllText(index, new SafeTensorsIndex { WeightMap = map }.ToJson(total));
        written.Add(index);
        return written;
    }

    /// <summary>Tensors some checkpoints carry that the model derives or shares: rotary inv_freq, a tied lm_head.</summary>
    private static bool Ignorable(string name, ModelConfig config) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == "lm_head.weight");

    private static string List(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(ListedNames)) + (names.Count > ListedNames ? $", … ({names.Count - ListedNames} more)" : "");
}
