using QuantScope.Engine.Model;

namespace QuantScope.Web.Api;

/// <summary>A model folder's parsed config, size and memory estimates, before anything runs.</summary>
/// <param name="Path">The folder, absolute.</param>
/// <param name="Model">The engine config the folder maps to (the <c>model</c> a run from it uses).</param>
/// <param name="Parameters">Parameter count.</param>
/// <param name="WeightFiles">Safetensors files.</param>
/// <param name="WeightDTypes">F32, F16, BF16.</param>
/// <param name="Tokenizer">tokenizer.json, tokenizer.model or null.</param>
/// <param name="Memory">One estimate per use (inference, ptq, qat with twin).</param>
public sealed record ModelInspectDto(
    string Path, ModelConfig Model, long Parameters, IReadOnlyList<string> WeightFiles, IReadOnlyList<string> WeightDTypes, string? Tokenizer,
    IReadOnlyList<ModelMemoryDto> Memory);
