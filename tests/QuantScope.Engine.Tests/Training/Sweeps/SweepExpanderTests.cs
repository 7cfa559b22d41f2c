using QuantScope.Engine.Configuration;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QuantScope.Engine.Training.Sweeps;

namespace QuantScope.Engine.Tests.Training.Sweeps;

public sealed class SweepExpanderTests
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    // The engine side of the API's config reader: strict JSON, then the one validator.
    private static ValidationResult<ValidTrainConfig> Read(string json)
    {
        try
        {
            return ConfigValidator.Validate(JsonSerializer.Deserialize<TrainConfig>(json, Strict)!);
        }
        catch (JsonException ex)
        {
            return ValidationResult<ValidTrainConfig>.Invalid([new ConfigError(ex.Path?.TrimStart('$', '.') ?? "$", "is not a known config field")]);
        }
    }

    private static SweepConfig Parse(string json)
    {
        var (sweep, errors) = SweepConfigParser.Parse(json);
        Assert.Empty(errors);
        return sweep!;
    }

    [Fact]
    public void Expand_TwoByThreeGrid_GivesProductWithLastFieldFastest()
    {
        var sweep = Parse("""{"name":"s","base":{"model":{"layers":1},"steps":5},"grid":{"weightDecay":[0,0.1],"quant.preset":["w4a4-g128","mxfp4","nvfp4"]}}""");

        var expansion = SweepExpander.Expand(sweep, Read);

        Assert.True(expansion.IsValid, string.Join("; ", expansion.Errors));
        Assert.Equal(6, expansion.Points.Count);
        Assert.Equal([0.0, 0.0, 0.0, 0.1, 0.1, 0.1], expansion.Points.Select(p => p.Config.Config.WeightDecay));
        Assert.Equal(["w4a4-g128", "mxfp4", "nvfp4", "w4a4-g128", "mxfp4", "nvfp4"], expansion.Points.Select(p => p.Config.Config.Quant!.Preset!));
        Assert.All(expansion.Points, p => Assert.Equal(5, p.Config.Config.Steps));
        Assert.Equal("s weightDecay=0.1 quant.preset=mxfp4", expansion.Points[4].Config.Config.Name);
        Assert.Equal(["weightDecay=0.1", "quant.preset=mxfp4"], expansion.Points[4].Settings.Select(s => s.ToString()));
    }

    [Fact]
    public void Expand_ModelSizeOverPresetBase_ExpandsPresetThenSetsField()
    {
        var sweep = Parse("""{"base":{"model":"tiny","seqLen":16},"grid":{"model.dModel":[32,64],"precision":["bf16","fp32"]}}""");

        var expansion = SweepExpander.Expand(sweep, Read);

        Assert.True(expansion.IsValid, string.Join("; ", expansion.Errors));
        Assert.Equal([32, 32, 64, 64], expansion.Points.Select(p => p.Config.Config.Model.DModel));
        Assert.All(expansion.Points, p => Assert.Equal(2, p.Config.Config.Model.Layers)); // the rest of the tiny preset
        Assert.Equal([Precision.Bf16, Precision.Fp32, Precision.Bf16, Precision.Fp32], expansion.Points.Select(p => p.Config.Config.Precision));
    }

    [Fact]
    public void Expand_EmptyGrid_GivesOneRunOfTheBase()
    {
        var expansion = SweepExpander.Expand(Parse("""{"name":"one","base":{"steps":7}}"""), Read);

        var point = Assert.Single(expansion.Points);
        Assert.Equal((7, "one"), (point.Config.Config.Steps, point.Config.Config.Name));
        Assert.Empty(point.Settings);
    }

    [Fact]
    public void Expand_BadGridValue_ErrorNamesGridFieldAndValue()
    {
        var sweep = Parse("""{"base":{},"grid":{"weightDecay":[0,-1],"quant.preset":["w4a4-g128","nope"]}}""");

        var expansion = SweepExpander.Expand(sweep, Read);

        Assert.False(expansion.IsValid);
        Assert.Empty(expansion.Points);
        Assert.Contains(expansion.Errors, e => e.Field == "grid.weightDecay" && e.Message.StartsWith("value -1: weightDecay must be between 0 and 10", StringComparison.Ordinal));
        Assert.Contains(expansion.Errors, e => e.Field == "grid.quant.preset" && e.Message.StartsWith("value nope: quant.preset must be one of", StringComparison.Ordinal));
        Assert.Equal(2, expansion.Errors.Count); // one per bad value, not one per run
    }

    [Fact]
    public void Expand_UnknownGridField_ErrorNamesIt()
    {
        var expansion = SweepExpander.Expand(Parse("""{"grid":{"quant.bogus":[1]}}"""), Read);

        var error = Assert.Single(expansion.Errors);
        Assert.Equal("grid.quant.bogus", error.Field);
        Assert.Contains("value 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_BaseErrorInEveryRun_NamesTheBaseField()
    {
        var expansion = SweepExpander.Expand(Parse("""{"base":{"steps":0},"grid":{"dropout":[0,0.1]}}"""), Read);

        var error = Assert.Single(expansion.Errors);
        Assert.Equal("base.steps", error.Field);
    }

    [Fact]
    public void Expand_ErrorOfOneCombination_NamesTheCombination()
    {
        // lrWarmupSteps 10 is fine with 20 steps, too many with 5: neither field alone is wrong.
        var sweep = Parse("""{"grid":{"steps":[5,20],"lrWarmupSteps":[10]}}""");

        var expansion = SweepExpander.Expand(sweep, Read);

        Assert.Contains(expansion.Errors, e => e.Field == "grid.lrWarmupSteps" && e.Message.Contains("value 10", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"grid":{"weightDecay":[]}}""", "grid.weightDecay")]
    [InlineData("""{"grid":{"a..b":[1]}}""", "grid.a..b")]
    [InlineData("""{"grid":{"steps":[1],"Steps":[2]}}""", "grid.Steps")]
    [InlineData("""{"workers":0}""", "workers")]
    [InlineData("""{"name":""}""", "name")]
    public void Expand_MalformedGrid_NamesTheField(string json, string field)
    {
        var expansion = SweepExpander.Expand(Parse(json), Read);

        Assert.Contains(expansion.Errors, e => e.Field == field);
    }

    [Fact]
    public void Expand_TooManyRuns_Rejected()
    {
        var values = string.Join(",", Enumerable.Range(1, 17));
        var expansion = SweepExpander.Expand(Parse("{\"grid\":{\"steps\":[" + values + "],\"seed\":[" + values + "]}}"), Read);

        var error = Assert.Single(expansion.Errors);
        Assert.Equal("grid", error.Field);
        Assert.Contains("289 runs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsOf_Index_IsMixedRadixLastFastest()
    {
        SweepAxis Axis(string f, params int[] v) => new(f, v.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        var grid = new[] { Axis("a", 1, 2), Axis("b", 10, 20, 30) };

        var settings = SweepExpander.SettingsOf(grid, 5);

        Assert.Equal(["a=2", "b=30"], settings.Select(s => s.ToString()));
        Assert.Equal(30.0, settings[1].Number);
    }
}
