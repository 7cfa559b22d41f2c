using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Engine.Model.Hf;

/// <summary>What <see cref="HfModelFolder.Inspect"/> learns from a model folder without loading any weights.</summary>
/// <param name="Path">The folder, absolute.</param>
/// <param name="Config">The parsed config.</param>
/// <param name="Parameters">Parameter count.</param>
/// <param name="WeightFiles">The safetensors files (one, or the shards).</param>
/// <param name="WeightDTypes">The dtypes the files hold (F32, F16, BF16).</param>
/// <param name="Tokenizer">tokenizer.json, tokenizer.model, or null when the folder has none.</param>
/// <param name="Memory">Estimates per use: inference, ptq, qat (with twin).</param>
public sealed record HfModelInfo(
    string Path,
    ModelConfig Config,
    long Parameters,
    IReadOnlyList<string> WeightFiles,
    IReadOnlyList<SafeTensorDType> WeightDTypes,
    string? Tokenizer,
    IReadOnlyList<MemoryEstimate> Memory);
