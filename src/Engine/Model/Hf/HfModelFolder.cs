using QuantScope.Engine.Model.SafeTensors;
using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// A local model folder as Hugging Face writes it: <c>config.json</c>, <c>model.safetensors</c> (or shards with
/// <c>model.safetensors.index.json</c>) and optionally <c>tokenizer.json</c> / <c>tokenizer.model</c>.
/// </summary>
public static class HfModelFolder
{
    /// <summary>Tokenizer files looked for, in order of preference.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } = ["tokenizer.json", "tokenizer.model"];

    /// <summary>
    /// Reads the config, validates every weight file's header and checks names and shapes against the config; loads no
    /// weights. Cheap enough for a UI button.
    /// </summary>
    /// <exception cref="HfModelException">No such folder, an unsupported config, or weights that do not fit it.</exception>
    /// <exception cref="SafeTensorsException">A malformed weight file or index.</exception>
    public static HfModelInfo Inspect(string path)
    {
        var folder = CheckFolder(path);
        var config = HfConfigReader.Read(System.IO.Path.Combine(folder, HfConfigReader.FileName));
        using var checkpoint = SafeTensorsCheckpoint.Open(folder);
        HfWeights.Check(config, checkpoint.Tensors);
        var tokenizer = TokenizerFiles.FirstOrDefault(f => File.Exists(System.IO.Path.Combine(folder, f)));
        return new HfModelInfo(folder, config, config.ParameterCount(),
            checkpoint.Files.Select(f => System.IO.Path.GetFileName(f.Source)).ToArray(),
            checkpoint.Files.SelectMany(f => f.Tensors).Select(t => t.DType).Distinct().Order().ToArray(),
            tokenizer,
            [MemoryEstimator.Estimate(config, "inference"), MemoryEstimator.Estimate(config, "ptq"), MemoryEstimator.Estimate(config, "qat", twin: true)]);
    }

    /// <summary>Reads and validates the folder's <c>config.json</c> only: no weight file is opened.</summary>
    /// <exception cref="HfModelException">No such folder, no config, or an unsupported config.</exception>
    public static ModelConfig ReadConfig(string path) =>
        HfConfigReader.Read(System.IO.Path.Combine(CheckFolder(path), HfConfigReader.FileName));

    /// <summary>
    /// Builds the engine model for the folder's config under <paramref name="plan"/> and loads its weights, after
    /// checking the memory estimate for <paramref name="use"/>.
    /// </summary>
    /// <exception cref="HfModelException">Unsupported config, weights that do not fit, or too large for the machine.</exception>
    /// <exception cref="SafeTensorsException">A malformed weight file or index.</exception>
    public static LlamaForCausalLM Load(string path, QuantPlan plan, string use = "inference", bool twin = false, Func<ModelConfig, ModelConfig>? adjust = null)
    {
        var folder = CheckFolder(path);
        var config = HfConfigReader.Read(System.IO.Path.Combine(folder, HfConfigReader.FileName));
        if (adjust is not null) config = adjust(config);
        MemoryEstimator.Require(config, use, twin);
        using var checkpoint = SafeTensorsCheckpoint.Open(folder);
        HfWeights.Check(config, checkpoint.Tensors); // before allocating the model
        var model = new LlamaForCausalLM(config, plan, seed: 0);
        try
        {
            HfWeights.Load(model, checkpoint);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="model"/> as a model folder (config.json + safetensors) that <see cref="Load"/> reads back.</summary>
    public static IReadOnlyList<string> Save(LlamaForCausalLM model, string path, SafeTensorDType dtype = SafeTensorDType.F32, long maxShardBytes = 0)
    {
        Directory.CreateDirectory(path);
        var torchDtype = dtype switch { SafeTensorDType.F16 => "float16", SafeTensorDType.BF16 => "bfloat16", _ => "float32" };
        var config = System.IO.Path.Combine(path, HfConfigReader.FileName);
        File.WriteAllText(config, HfConfigWriter.ToJson(model.Config, torchDtype));
        return [config, .. HfWeights.Save(model, path, dtype, maxShardBytes)];
    }

    private static string CheckFolder(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new HfModelException("the model folder path is empty");
        var folder = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(folder)) throw new HfModelException($"{folder}: no such folder");
        if (!File.Exists(System.IO.Path.Combine(folder, HfConfigReader.FileName))) throw new HfModelException($"{folder}: no {HfConfigReader.FileName} (not a Hugging Face model folder)");
        return folder;
    }
}
