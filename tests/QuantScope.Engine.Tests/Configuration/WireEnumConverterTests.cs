using System.Text.Json;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Model.Hf;

namespace QuantScope.Engine.Tests.Configuration;

public sealed class WireEnumConverterTests
{
    private static readonly JsonSerializerOptions Api = ConfigJsonOptions.Api;
    private static readonly JsonSerializerOptions Plain = ConfigJsonOptions.Plain;

    public static TheoryData<AmaxAlgorithm, string> Algorithms => new()
    {
        { AmaxAlgorithm.Max, "max" }, { AmaxAlgorithm.MostRecent, "most_recent" }, { AmaxAlgorithm.Mean, "mean" },
    };

    public static TheoryData<Precision, string> Precisions => new() { { Precision.Bf16, "bf16" }, { Precision.Fp32, "fp32" } };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AmaxAlgorithm_EachWireName_RoundTripsInQuantConfigAndRecipe(AmaxAlgorithm algorithm, string wire)
    {
        foreach (var options in new[] { Api, Plain })
        {
            var quant = JsonSerializer.Serialize(new QuantConfig { Algorithm = algorithm }, options);
            Assert.Contains($"\"algorithm\":\"{wire}\"", quant);
            Assert.Equal(algorithm, JsonSerializer.Deserialize<QuantConfig>(quant, options)!.Algorithm);

            var recipe = JsonSerializer.Serialize(new DelayedScalingRecipe { AmaxComputeAlgo = algorithm }, options);
            Assert.Contains($"\"amaxComputeAlgo\":\"{wire}\"", recipe);
            Assert.Equal(algorithm, JsonSerializer.Deserialize<DelayedScalingRecipe>(recipe, options)!.AmaxComputeAlgo);
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Precision_EachWireName_RoundTripsInTrainConfig(Precision precision, string wire)
    {
        foreach (var options in new[] { Api, Plain })
        {
            var json = JsonSerializer.Serialize(TrainConfig.Tiny with { Precision = precision }, options);
            Assert.Contains($"\"precision\":\"{wire}\"", json);
            Assert.Equal(precision, JsonSerializer.Deserialize<TrainConfig>(json, options)!.Precision);
        }
    }

    [Theory]
    [InlineData(DataKind.Builtin, "builtin")]
    [InlineData(DataKind.BuiltinPretrain, "builtin-pretrain")]
    [InlineData(DataKind.Text, "text")]
    public void DataKind_EachWireName_RoundTripsInDataConfig(DataKind kind, string wire)
    {
        foreach (var options in new[] { Api, Plain })
        {
            var json = JsonSerializer.Serialize(new DataConfig { Kind = kind }, options);
            Assert.Contains($"\"kind\":\"{wire}\"", json);
            Assert.Equal(kind, JsonSerializer.Deserialize<DataConfig>(json, options)!.Kind);
        }
    }

    [Theory]
    [InlineData(TensorRole.Input, "input")]
    [InlineData(TensorRole.Weight, "weight")]
    [InlineData(TensorRole.Grad, "grad")]
    public void TensorRole_EachWireName_RoundTripsInQuantRuleAndIsTheTelemetryRole(TensorRole role, string wire)
    {
        foreach (var options in new[] { Api, Plain })
        {
            var json = JsonSerializer.Serialize(new QuantRule { Layer = "**", Role = role }, options);
            Assert.StartsWith($"{{\"layer\":\"**\",\"role\":\"{wire}\",", json);
            Assert.Equal(role, JsonSerializer.Deserialize<QuantRule>(json, options)!.Role);
        }

        Assert.Equal(wire, role.ToWire());
        Assert.True(TensorRoles.IsKnown(wire));
    }

    [Fact]
    public void TensorRoles_AllAreTheEnumsWireNamesInOrder() =>
        Assert.Equal([TensorRoles.Input, TensorRoles.Weight, TensorRoles.GradOutput], TensorRoles.All);

    [Fact]
    public void TensorRoles_NoneAndUnknown_AreNotRoles()
    {
        Assert.False(TensorRoles.IsKnown(TensorRoles.None));
        Assert.False(TensorRoles.IsKnown("Input"));
        Assert.False(TensorRoles.IsKnown(null));
    }

    [Theory]
    [InlineData(TokenizerMode.Auto, "auto")]
    [InlineData(TokenizerMode.Byte, "byte")]
    public void InitConfig_KindAndTokenizer_RoundTripAsWireNames(TokenizerMode tokenizer, string wire)
    {
        foreach (var options in new[] { Api, Plain })
        {
            var json = JsonSerializer.Serialize(new InitConfig { Path = "m", Tokenizer = tokenizer }, options);
            Assert.Equal($"{{\"kind\":\"hf\",\"path\":\"m\",\"tokenizer\":\"{wire}\"}}", json);
            var back = JsonSerializer.Deserialize<InitConfig>(json, options)!;
            Assert.Equal((InitKind.Hf, tokenizer), (back.Kind, back.Tokenizer));
        }
    }

    [Fact]
    public void WireNames_ListInDeclarationOrder() =>
        Assert.Equal(["max", "most_recent", "mean"], WireNames<AmaxAlgorithm>.All);

    [Fact]
    public void QuantConfig_NullAlgorithm_StaysNull() =>
        Assert.Null(JsonSerializer.Deserialize<QuantConfig>("""{"algorithm":null}""", Api)!.Algorithm);

    [Theory]
    [InlineData("""{"quant":{"algorithm":"median"}}""", "$.quant.algorithm", "must be one of: max, most_recent, mean")]
    [InlineData("""{"quant":{"algorithm":"MAX"}}""", "$.quant.algorithm", "must be one of: max, most_recent, mean")]
    [InlineData("""{"precision":"fp16"}""", "$.precision", "must be one of: bf16, fp32")]
    [InlineData("""{"pretrain":{"data":{"kind":"csv"}}}""", "$.pretrain.data.kind", "must be one of: builtin, builtin-pretrain, text")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"bias"}]}}""", "$.quant.rules[0].role", "must be one of: input, weight, grad")]
    [InlineData("""{"init":{"kind":"gguf","path":"m"}}""", "$.init.kind", "must be one of: hf")]
    [InlineData("""{"init":{"path":"m","tokenizer":"sentencepiece"}}""", "$.init.tokenizer", "must be one of: auto, byte")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"input","delayed":{"amaxComputeAlgo":"avg"}}]}}""",
        "$.quant.rules[0].delayed.amaxComputeAlgo", "must be one of: max, most_recent, mean")]
    public void Read_UnknownName_ThrowsNamingTheFieldAndTheKnownNames(string json, string path, string message)
    {
        var ex = Assert.Throws<ConfigValueException>(() => JsonSerializer.Deserialize<TrainConfig>(json, Api));

        Assert.Equal(path, ex.Path);
        Assert.Equal(message, ex.Message);
    }

    [Theory]
    [InlineData("""{"precision":1}""")]
    [InlineData("""{"quant":{"algorithm":0}}""")]
    public void Read_NumberForAName_IsAPlainTypeError(string json)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<TrainConfig>(json, Api));

        Assert.IsNotType<ConfigValueException>(ex);
    }
}
