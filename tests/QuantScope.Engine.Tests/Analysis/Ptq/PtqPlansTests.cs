using QuantScope.Engine.Analysis.Ptq;

namespace QuantScope.Engine.Tests.Analysis.Ptq;

public class PtqPlansTests
{
    [Theory]
    [InlineData("int4", 64, "int4-g64", RecipeKind.Block)]
    [InlineData("INT8", null, "int8", RecipeKind.Block)]
    [InlineData("e4m3", null, "e4m3", RecipeKind.Current)]
    [InlineData("int8-pt", null, "int8-pt", RecipeKind.Current)]
    [InlineData("nvfp4", null, "nvfp4", RecipeKind.Block)]
    public void Resolve_Format_InputAndWeightRulesOnEveryLayer(string format, int? group, string expected, RecipeKind kind)
    {
        var plan = PtqPlans.Resolve(null, format, group);

        Assert.Equal(expected, plan.Name);
        Assert.Equal([TensorRole.Input, TensorRole.Weight], plan.Rules.Select(r => r.Role));
        Assert.All(plan.Rules, r => Assert.Equal((expected, kind, "**"), (r.Format.Name, r.Recipe, r.Layer)));
    }

    [Theory]
    [InlineData("fp8-delayed", "e4m3", null, "preset")]
    [InlineData(null, null, null, "format")]
    [InlineData("nope", null, null, "preset")]
    [InlineData(null, "e9m9", null, "format")]
    [InlineData(null, "e4m3", 32, "groupSize")]
    [InlineData(null, "int4", 8, "groupSize")]
    [InlineData("mxfp4", null, 32, "groupSize")]
    public void Resolve_BadInput_ThrowsNamingTheField(string? preset, string? format, int? group, string field)
    {
        Assert.Equal(field, Assert.Throws<PtqInputException>(() => PtqPlans.Resolve(preset, format, group)).Field);
    }

    [Fact]
    public void ForEvaluation_HybridDelayedPresetWeightsOnly_CurrentScaledWeightRulesOnly()
    {
        var plan = PtqPlans.ForEvaluation(QuantPlan.Preset("fp8-hybrid-delayed"), activations: false);

        Assert.All(plan.Rules, r => Assert.Equal((TensorRole.Weight, RecipeKind.Current), (r.Role, r.Recipe)));
        Assert.NotEmpty(plan.Rules);
        Assert.All(PtqPlans.Restrict(QuantPlan.Preset("fp8-hybrid-delayed"), true).Rules, r => Assert.Equal(RecipeKind.Delayed, r.Recipe));
        Assert.DoesNotContain(PtqPlans.Restrict(QuantPlan.Preset("fp8-hybrid-delayed"), true).Rules, r => r.Role == TensorRole.Grad);
    }
}
