using System.Text.Json;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Tests.Configuration;

namespace QuantScope.Engine.Tests.Numerics;

public sealed class FormatNameConverterTests
{
    private static readonly JsonSerializerOptions Api = ConfigJsonOptions.Api;
    private static readonly JsonSerializerOptions Plain = ConfigJsonOptions.Plain;

    // Every fixed registry name, then the parameterised INT names (bits 2..8; per channel, per tensor, groups 16..1024).
    public static TheoryData<string> KnownNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in NumberFormats.Names) data.Add(name);
        foreach (var name in new[] { "int2", "int3", "int5", "int6", "int7", "int4-pt", "int8-pt", "int4-g16", "int4-g128", "int8-g1024" })
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(KnownNames))]
    public void RoundTrip_EveryKnownName_SameTextInEveryConfigField(string name)
    {
        var format = FormatName.Parse(name);
        foreach (var options in new[] { Api, Plain })
        {
            var quant = JsonSerializer.Serialize(new QuantConfig
            {
                Format = format,
                Rules = [new QuantRule { Layer = "**", Role = TensorRole.Weight, Format = format }],
            }, options);
            Assert.Contains($"\"format\":\"{name}\",\"rules\"", quant);
            Assert.Contains($"\"role\":\"weight\",\"format\":\"{name}\"", quant);
            var back = JsonSerializer.Deserialize<QuantConfig>(quant, options)!;
            Assert.Equal(name, back.Format!.Name);
            Assert.Equal(name, back.Rules![0].Format.Name);

            var stats = JsonSerializer.Serialize(new StatsConfig { WhatIf = [format] }, options);
            Assert.EndsWith($"\"whatIf\":[\"{name}\"]}}", stats);
            Assert.Equal(name, JsonSerializer.Deserialize<StatsConfig>(stats, options)!.WhatIf.Single().Name);

            foreach (IScalingRecipe recipe in new IScalingRecipe[]
                     { new DelayedScalingRecipe { Format = format }, new CurrentScalingRecipe { Format = format }, new BlockScalingRecipe { Format = format } })
            {
                var json = JsonSerializer.Serialize(recipe, recipe.GetType(), options);
                Assert.StartsWith($"{{\"format\":\"{name}\"", json);
                Assert.Equal(name, ((IScalingRecipe)JsonSerializer.Deserialize(json, recipe.GetType(), options)!).Format.Name);
            }
        }
    }

    [Fact]
    public void RoundTrip_UpperCaseName_KeepsTheTextAsGiven()
    {
        var back = JsonSerializer.Deserialize<QuantConfig>("""{"format":"E4M3"}""", Api)!;

        Assert.Equal("E4M3", back.Format!.Name);
        Assert.Equal("""{"preset":"fp8-delayed","historyLength":null,"algorithm":null,"margin":null,"format":"E4M3","rules":null}""",
            JsonSerializer.Serialize(back, Plain));
        Assert.Equal(FormatName.E4M3, back.Format); // names compare as lookup does: case-insensitively
        Assert.Same(FloatFormat.E4M3, back.Format.Format);
    }

    [Fact]
    public void Read_NullOverride_StaysNull() =>
        Assert.Null(JsonSerializer.Deserialize<QuantConfig>("""{"format":null}""", Api)!.Format);

    [Theory]
    [InlineData("""{"quant":{"format":"e3m4"}}""", "$.quant.format")]
    [InlineData("""{"quant":{"format":"fp8"}}""", "$.quant.format")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"input","format":"e9m9"}]}}""", "$.quant.rules[0].format")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"input","delayed":{"format":"int9"}}]}}""", "$.quant.rules[0].delayed.format")]
    [InlineData("""{"stats":{"whatIf":["mxfp4","int4-g8"]}}""", "$.stats.whatIf[1]")]
    [InlineData("""{"stats":{"whatIf":["int4-g2048"]}}""", "$.stats.whatIf[0]")]
    public void Read_UnknownName_ThrowsNamingTheField(string json, string path)
    {
        var ex = Assert.Throws<ConfigValueException>(() => JsonSerializer.Deserialize<TrainConfig>(json, Api));

        Assert.Equal(path, ex.Path);
        Assert.Equal(FormatName.NotKnown, ex.Message);
    }

    [Theory]
    [InlineData("""{"quant":{"format":4}}""")]
    [InlineData("""{"stats":{"whatIf":[true]}}""")]
    public void Read_NonStringName_IsAPlainTypeError(string json)
    {
        var ex = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<TrainConfig>(json, Api));

        Assert.IsNotType<ConfigValueException>(ex);
    }

    [Theory]
    [InlineData("e9m9")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnknownName_False(string? name) => Assert.False(FormatName.TryParse(name, out _));

    [Fact]
    public void Parse_UnknownName_Throws() => Assert.Throws<ArgumentException>(() => FormatName.Parse("fp8"));
}
