using QuantScope.Web.Compare;

namespace QuantScope.Web.Tests.Compare;

public sealed class ConfigDiffTests
{
    [Fact]
    public void Configs_OnlyDifferingFields_AbsentCountsAsDifferent()
    {
        var rows = ConfigDiff.Configs(
        [
            """{"steps":300,"learningRate":0.003,"quant":{"input":{"format":"e4m3","amaxHistoryLen":16}}}""",
            """{"steps":300,"learningRate":0.001,"quant":{"input":{"format":"e4m3"}}}""",
        ]);
        Assert.Equal(["learningRate", "quant.input.amaxHistoryLen"], rows.Select(r => r.Field));
        Assert.Equal(["0.003", "0.001"], rows[0].Values);
        Assert.Equal(["16", null], rows[1].Values);
        Assert.All(rows, r => Assert.False(r.IsPlan));
    }

    [Fact]
    public void Configs_ThreeRunsOneOdd_RowShowsAllThree()
    {
        var rows = ConfigDiff.Configs(["""{"a":1}""", """{"a":1}""", """{"a":2}"""]);
        Assert.Equal(["1", "1", "2"], Assert.Single(rows).Values);
    }

    [Fact]
    public void Plans_LayerRoleEntriesThatDiffer_FormatAndRecipe()
    {
        PlanEntry E(string layer, string role, string format, string recipe = "current(margin=0)", string? note = null) => new(layer, role, format, recipe, note);
        var a = new[] { E("model.layers.0.mlp.down_proj", "input", "int4-g128"), E("model.layers.0.mlp.down_proj", "weight", "int4-g128"), E("lm_head", "input", "fp32", "high precision") };
        var b = new[] { E("model.layers.0.mlp.down_proj", "input", "int8", note: "FC2 kept at INT8"), E("model.layers.0.mlp.down_proj", "weight", "int4-g128") };
        var rows = ConfigDiff.Plans([a, b]);
        Assert.Equal(2, rows.Count);
        Assert.Equal("plan: model.layers.0.mlp.down_proj input", rows[0].Field);
        Assert.Equal(["int4-g128 current(margin=0)", "int8 current(margin=0) (FC2 kept at INT8)"], rows[0].Values);
        Assert.Equal("plan: lm_head input", rows[1].Field);
        Assert.Equal(["fp32 high precision", null], rows[1].Values);
        Assert.All(rows, r => Assert.True(r.IsPlan));
    }

    [Fact]
    public void Plans_RunsWithoutPlans_TakeNoPart()
    {
        var plan = new[] { new PlanEntry("l", "input", "e4m3", "delayed(h=16,max,margin=0)", null) };
        Assert.Empty(ConfigDiff.Plans([plan, null]));
        Assert.Empty(ConfigDiff.Plans([plan, null, plan]));
    }
}
