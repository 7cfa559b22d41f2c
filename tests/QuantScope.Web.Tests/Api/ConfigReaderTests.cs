using QuantScope.Engine.Quantization;
using QuantScope.Engine.Model;
using System.Text;
using Microsoft.AspNetCore.Http;
using QuantScope.Engine.Training;
using QuantScope.Web.Api;

namespace QuantScope.Web.Tests.Api;

public sealed class ConfigReaderTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Read_EmptyBody_IsDemo(string body)
    {
        var (config, errors) = ConfigReader.Read(body);
        Assert.Empty(errors);
        Assert.Equal(TrainConfig.Demo, config!.Config);
    }

    [Theory]
    [InlineData("""{"steps": 7, "": 2}""", "\"\"")] // found by the long fuzz run: an empty name named nothing
    [InlineData("""{"steps": 7, "stpes": 2}""", "stpes")]
    [InlineData("""{"quant": {"": 1}}""", "quant.\"\"")]
    public void Read_UnknownProperty_ErrorNamesIt(string body, string field)
    {
        var (config, errors) = ConfigReader.Read(body);

        Assert.Null(config);
        var error = Assert.Single(errors);
        Assert.Equal((field, "is not a known config field"), (error.Field, error.Message));
    }

    [Fact]
    public void Read_PartialConfig_KeepsDefaultsForTheRest()
    {
        var (config, errors) = ConfigReader.Read("""{"steps": 7, "quant": {"historyLength": 64}}""");
        Assert.Empty(errors);
        Assert.Equal(7, config!.Config.Steps);
        Assert.Equal(64, config.Config.Quant!.HistoryLength);
        Assert.Equal("fp8-delayed", config.Config.Quant.Preset);
        Assert.Equal(TrainConfig.Demo.Model, config.Config.Model);
    }

    [Fact]
    public void Read_TheIssueExample_ParsesEveryField()
    {
        var (config, errors) = ConfigReader.Read("""
            { "name": "hif8 max/64 lr 1e-5", "model": "demo", "seed": 1,
              "pretrain": { "data": { "kind": "builtin" }, "steps": 400, "learningRate": 3e-3 },
              "data": { "kind": "builtin-pretrain" },
              "steps": 300, "batchSize": 16, "seqLen": 128, "learningRate": 1e-5, "lrWarmupSteps": 20,
              "weightDecay": 0.1, "gradClip": 1.0, "dropout": 0.0, "bf16WarmupSteps": 50, "baseline": true,
              "quant": { "preset": "hif8-pangu", "historyLength": 64, "algorithm": "max" },
              "evalEvery": 50 }
            """);
        Assert.Empty(errors);
        Assert.Equal(ModelConfig.Demo, config!.Config.Model);
        Assert.Equal((400, 3e-3, DataKind.Builtin), (config.Config.Pretrain!.Steps, config.Config.Pretrain.LearningRate, config.Config.Pretrain.Data.Kind));
        Assert.Equal((DataKind.BuiltinPretrain, 20, 50, true, 50), (config.Config.Data.Kind, config.Config.LrWarmupSteps!.Value, config.Config.Bf16WarmupSteps, config.Config.Baseline, config.Config.EvalEvery));
        Assert.Equal(("hif8-pangu", 64, AmaxAlgorithm.Max), (config.Config.Quant!.Preset, config.Config.Quant.HistoryLength!.Value, config.Config.Quant.Algorithm));
    }

    [Fact]
    public void Read_ModelPresetNameOrSizes()
    {
        Assert.Equal(ModelConfig.Small, ConfigReader.Read("""{"model":"small","seqLen":64}""").Value!.Config.Model);
        Assert.Equal(3, ConfigReader.Read("""{"model":{"layers":3}}""").Value!.Config.Model.Layers);
        var error = Assert.Single(ConfigReader.Read("""{"model":"huge"}""").Errors);
        Assert.Equal("model", error.Field);
        Assert.Contains("unknown model preset 'huge'", error.Message);
    }

    [Fact]
    public void Read_QuantNull_TrainsWithoutQuantization()
    {
        var (config, errors) = ConfigReader.Read("""{"quant": null}""");
        Assert.Empty(errors);
        Assert.Null(config!.Config.Quant);
    }

    [Theory]
    [InlineData("{not json", "$")]
    [InlineData("""{"steps":"x"}""", "steps")]
    [InlineData("""{"foo":1}""", "foo")]
    [InlineData("""{"model":{"layers":0}}""", "model.layers")]
    [InlineData("""{"seqLen": 999}""", "seqLen")]
    [InlineData("""{"steps": 1,}""", "$")]
    [InlineData("""{"model":{"dModel":"wide"}}""", "model.dModel")]
    [InlineData("""{"model":{"bogus":1}}""", "model.bogus")]
    [InlineData("""{"model":null}""", "model")]
    [InlineData("[1,2]", "$")]
    [InlineData("""{"steps": 0, "batchSize": 0}""", "steps")]
    public void Read_Invalid_NamesTheField(string body, string field)
    {
        var (config, errors) = ConfigReader.Read(body);
        Assert.Null(config);
        Assert.Contains(errors, e => e.Field == field);
    }

    [Theory]
    [InlineData("""{"quant":{"algorithm":"median"}}""", "quant.algorithm", "must be one of: max, most_recent, mean")]
    [InlineData("""{"precision":"fp16"}""", "precision", "must be one of: bf16, fp32")]
    [InlineData("""{"precision":16}""", "precision", "has the wrong type or is not valid JSON")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"input","delayed":{"amaxComputeAlgo":"avg"}}]}}""",
        "quant.rules[0].delayed.amaxComputeAlgo", "must be one of: max, most_recent, mean")]
    [InlineData("""{"quant":{"format":"e3m4"}}""", "quant.format", "is not a known number format (see GET /api/formats)")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"input","format":"e9m9"}]}}""", "quant.rules[0].format", "is not a known number format (see GET /api/formats)")]
    [InlineData("""{"stats":{"whatIf":["mxfp4","fp8"]}}""", "stats.whatIf[1]", "is not a known number format (see GET /api/formats)")]
    [InlineData("""{"model":{"layers":6,"ffnDim":344},"stats":{"whatIf":["e5m2","mxfp4"]}}""", "stats.whatIf[1]", "mxfp4 measures blocks of 32 values along each layer's rows; model.ffnDim 344 is not a multiple of 32")]
    [InlineData("""{"quant":{"rules":[{"layer":"**","role":"bias"}]}}""", "quant.rules[0].role", "must be one of: input, weight, grad")]
    [InlineData("""{"init":{"kind":"gguf","path":"m"}}""", "init.kind", "must be one of: hf")]
    [InlineData("""{"init":{"kind":"hf","path":"m","tokenizer":"spm"}}""", "init.tokenizer", "must be one of: auto, byte")]
    public void Read_UnknownEnumName_NamesTheFieldAndTheKnownNames(string body, string field, string message)
    {
        var (config, errors) = ConfigReader.Read(body);
        Assert.Null(config);
        Assert.Equal((field, message), (Assert.Single(errors).Field, errors[0].Message));
    }

    [Theory]
    [InlineData("""{"model":"tiny"}""", 32)]
    [InlineData("""{"model":{"layers":1,"dModel":32,"heads":2,"ffnDim":64,"contextLength":16}}""", 16)]
    [InlineData("""{"Model":{"ContextLength":24,"layers":1,"dModel":32,"heads":2,"ffnDim":64}}""", 24)]
    [InlineData("""{"model":"small"}""", 64)]
    [InlineData("""{"model":"tiny","seqLen":8}""", 8)]
    public void Read_NoSeqLen_MinOf64AndTheModelsContext(string body, int expected)
    {
        var (config, errors) = ConfigReader.Read(body);
        Assert.Empty(errors);
        Assert.Equal(expected, config!.Config.SeqLen);
    }

    [Fact]
    public void Read_SeqLenBeyondTheContext_NamesBothValues()
    {
        var (_, errors) = ConfigReader.Read("""{"model":"tiny","seqLen":64}""");
        Assert.Equal("seqLen: 64 must not exceed model.contextLength 32", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Read_ValidBody_WritesBackTheSameWireNames()
    {
        var (config, errors) = ConfigReader.Read("""
            {"model":"tiny","seqLen":32,"precision":"fp32","stats":{"whatIf":["mxfp4","int4-g32"]},
             "quant":{"algorithm":"most_recent","format":"HiF8","rules":[{"layer":"**","role":"grad","format":"e5m2"}]}}
            """);
        Assert.Empty(errors);
        var json = System.Text.Json.JsonSerializer.Serialize(config!.Config, QuantScope.Web.Setup.JsonDefaults.Options);
        Assert.Contains("\"precision\":\"fp32\"", json);
        Assert.Contains("\"algorithm\":\"most_recent\"", json);
        Assert.Contains("\"whatIf\":[\"mxfp4\",\"int4-g32\"]", json);
        Assert.Contains("\"format\":\"HiF8\",\"rules\":[{\"layer\":\"**\",\"role\":\"grad\",\"format\":\"e5m2\"", json);
    }

    [Fact]
    public void Read_SeveralProblems_ReportsEach()
    {
        var (_, errors) = ConfigReader.Read("""{"steps": 0, "batchSize": 0}""");
        Assert.Equal(["batchSize", "steps"], errors.Select(e => e.Field).Order());
    }

    [Fact]
    public async Task ReadAsync_BodyOverLimit_413AsEveryBodyLimitWithoutParsing()
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', ConfigReader.MaxBodyBytes + 10)));

        var refused = await Assert.ThrowsAsync<BadHttpRequestException>(() => ConfigReader.ReadAsync(context.Request, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, refused.StatusCode);
        Assert.Contains("larger than", refused.Message);
    }

    [Fact]
    public async Task ReadAsync_BodyAtLimit_IsParsed()
    {
        var json = """{"steps": 5}""";
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json.PadRight(ConfigReader.MaxBodyBytes)));
        var (config, errors) = await ConfigReader.ReadAsync(context.Request, CancellationToken.None);
        Assert.Empty(errors);
        Assert.Equal(5, config!.Config.Steps);
    }
}
