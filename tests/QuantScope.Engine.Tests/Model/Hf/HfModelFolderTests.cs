using QuantScope.Engine.Model.Hf;
using QuantScope.Engine.Model.SafeTensors;
using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Model.Hf;

public class HfModelFolderTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qs-hf-").FullName;

    private static readonly ModelConfig Base = new() { Layers = 2, DModel = 32, Heads = 4, FfnDim = 48, VocabSize = 260, ContextLength = 16 };

    public static TheoryData<string, SafeTensorDType, long> Shapes => new()
    {
        { "mha-untied", SafeTensorDType.F32, 0 },
        { "gqa-tied", SafeTensorDType.F32, 0 },
        { "mqa-untied", SafeTensorDType.F16, 0 },
        { "gqa-tied", SafeTensorDType.BF16, 0 },
        { "gqa-llama3", SafeTensorDType.BF16, 6000 },
        { "mha-untied", SafeTensorDType.F32, 9000 },
    };

    private static ModelConfig Shape(string name) => name switch
    {
        "mha-untied" => Base,
        "gqa-tied" => Base with { KvHeads = 2, TieWordEmbeddings = true, RopeTheta = 500000, NormEps = 1e-6 },
        "mqa-untied" => Base with { KvHeads = 1 },
        _ => Base with { KvHeads = 2, RopeScaling = new RopeScalingConfig { Type = "llama3", Factor = 8, OriginalMaxPositionEmbeddings = 8 } },
    };

    private static Tensor Tokens()
    {
        using var generator = new Generator(3, CPU);
        return randint(0, 260, [2, 12], generator: generator);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Load_SavedEngineModel_GivesTheSameLogits(string shape, SafeTensorDType dtype, long maxShardBytes)
    {
        var config = Shape(shape);
        using var source = new LlamaForCausalLM(config, QuantPlan.HighPrecision, seed: 11);
        var files = HfModelFolder.Save(source, _folder, dtype, maxShardBytes);
        Assert.Equal(maxShardBytes > 0, files.Any(f => f.EndsWith(SafeTensorsIndex.FileName, StringComparison.Ordinal)));
        RoundWeights(source, dtype); // the file holds the weights rounded to its dtype: so must the reference

        using var loaded = HfModelFolder.Load(_folder, QuantPlan.HighPrecision);
        Assert.Equal(config, loaded.Config);
        Assert.Equal(source.named_parameters().Select(p => p.name), loaded.named_parameters().Select(p => p.name));
        using var tokens = Tokens();
        using var expected = source.forward(tokens);
        using var actual = loaded.forward(tokens);
        Assert.Equal(TensorAssert.Floats(expected), TensorAssert.Floats(actual)); // same weights, same ops: bit-identical
    }

    [Fact]
    public void ExpectedShapes_SeveralConfigs_MatchTheModelsParameters()
    {
        foreach (var shape in new[] { "mha-untied", "gqa-tied", "mqa-untied" })
        {
            using var model = new LlamaForCausalLM(Shape(shape), QuantPlan.HighPrecision, 1);
            var actual = model.named_parameters().Select(p => (p.name, string.Join(",", p.parameter.shape))).ToArray();
            var expected = HfWeights.ExpectedShapes(model.Config).Select(p => (p.Key, string.Join(",", p.Value))).ToArray();
            Assert.Equal(expected, actual);
            Assert.Equal(model.Config.ParameterCount(), model.parameters().Sum(p => p.numel()));
        }
    }

    [Fact]
    public void Load_MissingUnexpectedAndMisshapenTensors_RefusesNamingThem()
    {
        using var source = new LlamaForCausalLM(Base, QuantPlan.HighPrecision, 1);
        HfModelFolder.Save(source, _folder);
        var tensors = source.named_parameters()
            .Where(p => p.name != "model.norm.weight")
            .Select(p => p.name == "model.layers.1.mlp.up_proj.weight"
                ? SafeTensorData.FromFloats(p.name, [3, 3], new float[9], SafeTensorDType.F32)
                : SafeTensorData.FromFloats(p.name, p.parameter.shape, TensorAssert.Floats(p.parameter), SafeTensorDType.F32))
            .Append(SafeTensorData.FromFloats("model.layers.0.self_attn.q_proj.bias", [32], new float[32], SafeTensorDType.F32))
            .ToArray();
        SafeTensorsWriter.WriteFile(Path.Combine(_folder, SafeTensorsCheckpoint.SingleFileName), tensors);
        var ex = Assert.Throws<HfModelException>(() => HfModelFolder.Load(_folder, QuantPlan.HighPrecision));
        Assert.Contains("1 missing: model.norm.weight", ex.Message);
        Assert.Contains("1 unexpected: model.layers.0.self_attn.q_proj.bias", ex.Message);
        Assert.Contains("model.layers.1.mlp.up_proj.weight [3, 3] (config needs [48, 32])", ex.Message);
        Assert.Throws<HfModelException>(() => HfModelFolder.Inspect(_folder));
    }

    [Fact]
    public void Inspect_SavedFolder_ReportsConfigCountsAndEstimates()
    {
        using var source = new LlamaForCausalLM(Shape("gqa-tied"), QuantPlan.HighPrecision, 1);
        HfModelFolder.Save(source, _folder, SafeTensorDType.BF16, maxShardBytes: 5000);
        var info = HfModelFolder.Inspect(_folder);
        Assert.Equal(source.Config, info.Config);
        Assert.Equal(source.parameters().Sum(p => p.numel()), info.Parameters);
        Assert.True(info.WeightFiles.Count > 1);
        Assert.Equal([SafeTensorDType.BF16], info.WeightDTypes);
        Assert.Equal(["inference", "ptq", "qat"], info.Memory.Select(m => m.Use));
        Assert.Null(info.Tokenizer);
    }

    [Fact]
    public void Inspect_NoConfig_SaysNotAModelFolder() =>
        Assert.Contains("no config.json", Assert.Throws<HfModelException>(() => HfModelFolder.Inspect(_folder)).Message);

    [Fact]
    public void Load_UnsupportedArchitecture_RefusesBeforeReadingWeights()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), HfConfigReaderTests.SmolLm135M.Replace("LlamaForCausalLM", "MistralForCausalLM"));
        Assert.Contains("MistralForCausalLM is not supported", Assert.Throws<HfModelException>(() => HfModelFolder.Load(_folder, QuantPlan.HighPrecision)).Message);
    }

    private static void RoundWeights(LlamaForCausalLM model, SafeTensorDType dtype)
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in model.named_parameters())
        {
            var rounded = new float[p.numel()];
            HalfBits.Decode(HalfBits.Encode(TensorAssert.Floats(p), dtype), dtype, rounded);
            using var t = tensor(rounded, p.shape);
            p.copy_(t);
        }
    }
}
