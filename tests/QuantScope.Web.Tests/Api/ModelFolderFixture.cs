using QuantScope.Engine.Model;
using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;

namespace QuantScope.Web.Tests.Api;

/// <summary>Writes a small Hugging Face Llama folder (GQA, tied, BF16 zeros) without touching torch.</summary>
internal static class ModelFolderFixture
{
    public static readonly ModelConfig Config = new() { Layers = 2, DModel = 32, Heads = 4, KvHeads = 2, FfnDim = 48, VocabSize = 300, ContextLength = 64, TieWordEmbeddings = true };

    public static string Write(string? configJson = null)
    {
        var folder = Directory.CreateTempSubdirectory("qs-hf-web-").FullName;
        File.WriteAllText(Path.Combine(folder, "config.json"), configJson ?? HfConfigWriter.ToJson(Config, "bfloat16"));
        var tensors = HfWeights.ExpectedShapes(Config)
            .Select(p => SafeTensorData.FromFloats(p.Key, p.Value, new float[p.Value.Aggregate(1L, (a, d) => a * d)], SafeTensorDType.BF16))
            .ToArray();
        SafeTensorsWriter.WriteFile(Path.Combine(folder, "model.safetensors"), tensors);
        return folder;
    }
}
