using System.Text.Json;

namespace QuantScope.Engine.Tests.Training;

public sealed class ResumeStateTests
{
    // Every typed config field (init kind and tokenizer, what-if formats, quant format, rule roles and formats, a delayed
    // recipe's format) as stored configs and the Python client write them. The hash was taken before these fields were
    // typed (when they were strings): a resume state saved then must still match. The model is the demo preset of that
    // time (6 blocks, FFN 344) written out, as stored configs carry it; the preset's FFN is 384 since.
    private const string Typed = """
        {"name":"wire","model":{"layers":6,"ffnDim":344},"init":{"kind":"hf","path":"models/x","tokenizer":"byte"},
         "stats":{"whatIf":["mxfp4","int4-g128","E5M2"]},
         "quant":{"preset":null,"format":"hif8","rules":[
           {"layer":"**","role":"input","format":"int8-pt","delayed":{"format":"e5m2","amaxComputeAlgo":"mean"}},
           {"layer":"model.layers.*.mlp.down_proj","role":"grad","format":"nvfp4"}]}}
        """;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void ConfigHash_TypedFields_SameHashAsWhenTheyWereStrings()
    {
        var config = JsonSerializer.Deserialize<TrainConfig>(Typed, Web)!;

        Assert.Equal("46B0621216FF7944A270024BE1DAF760D0332ACE4447EACF4EC4B7FDFE3D07A9", ResumeState.ConfigHash(config));
    }

    [Fact]
    public void ConfigHash_StatsGrad_OnByDefaultLeavesTheHash_OffChangesIt()
    {
        var config = JsonSerializer.Deserialize<TrainConfig>(Typed, Web)!;
        Assert.Equal(ResumeState.ConfigHash(config), ResumeState.ConfigHash(config with { Stats = config.Stats with { Grad = true } }));
        Assert.NotEqual(ResumeState.ConfigHash(config), ResumeState.ConfigHash(config with { Stats = config.Stats with { Grad = false } }));
    }

    [Fact]
    public void ConfigHash_HistogramEvery_DefaultLeavesTheHash_OtherChangesIt()
    {
        var config = JsonSerializer.Deserialize<TrainConfig>(Typed, Web)!;
        Assert.Equal(ResumeState.ConfigHash(config), ResumeState.ConfigHash(config with { Stats = config.Stats with { HistogramEvery = 10 } }));
        Assert.NotEqual(ResumeState.ConfigHash(config), ResumeState.ConfigHash(config with { Stats = config.Stats with { HistogramEvery = 5 } }));
    }

    [Fact]
    public void ConfigHash_TypedFields_SerializeAsTheirOwnText()
    {
        var json = JsonSerializer.Serialize(JsonSerializer.Deserialize<TrainConfig>(Typed, Web)!, Web);

        Assert.Contains("\"init\":{\"kind\":\"hf\",\"path\":\"models/x\",\"tokenizer\":\"byte\"}", json);
        Assert.Contains("\"whatIf\":[\"mxfp4\",\"int4-g128\",\"E5M2\"]", json);
        Assert.Contains("\"format\":\"hif8\",\"rules\":[{\"layer\":\"**\",\"role\":\"input\",\"format\":\"int8-pt\",", json);
        Assert.Contains("\"delayed\":{\"format\":\"e5m2\",\"amaxHistoryLength\":16,\"amaxComputeAlgo\":\"mean\",", json);
        Assert.Contains("{\"layer\":\"model.layers.*.mlp.down_proj\",\"role\":\"grad\",\"format\":\"nvfp4\",", json);
    }
}
