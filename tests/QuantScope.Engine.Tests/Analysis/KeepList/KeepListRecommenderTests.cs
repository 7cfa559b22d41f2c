using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Analysis.KeepList;
using QuantScope.Engine.Analysis.Ptq;
using QuantScope.Engine.Tests.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.KeepList;

public class KeepListRecommenderTests
{
    private static readonly QuantPlan RunPlan = QuantPlan.Preset("fp8-delayed");

    // errorBoth per layer (HealthyRun's four layers): 0.02, 0.05, 0.4, 0.13 → total 0.6.
    private static DiagnosisInput Input() => HealthyRun.Input().With(MetricCatalog.ErrorBoth, TensorRoles.Input,
        HealthyRun.PerLayer((_, l) => new[] { 0.02f, 0.05f, 0.4f, 0.13f }[l]));

    [Fact]
    public void Recommend_HalfTheError_KeepsTheOneLargestLayerFirstInTheRules()
    {
        var r = KeepListRecommender.Recommend(Input(), RunPlan, 0.5);
        Assert.Equal(["model.layers.0.mlp.down_proj"], r.Keep); // 0.6 - 0.4 = 0.2 ≤ 0.3
        Assert.Equal(0.6, r.TotalError, 6);
        Assert.Equal(0.2, r.PredictedError, 6);
        Assert.Equal(0.3, r.Target, 6);
        Assert.Equal("relative output error", r.Unit);
        Assert.Equal(["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj", "model.layers.0.mlp.up_proj", "model.layers.0.self_attn.q_proj"],
            r.Layers.Select(l => l.Layer));
        Assert.All(r.Layers, l => Assert.Equal(MetricCatalog.ErrorBoth, l.Source));
        Assert.Equal([true, false, false, false], r.Layers.Select(l => l.Kept));
        var rules = r.Plan.Rules!;
        Assert.Null(r.Plan.Preset);
        Assert.Equal(RunPlan.Rules.Count + 2, rules.Count);
        Assert.Equal((TensorRole.Input, RecipeKind.Keep, "model.layers.0.mlp.down_proj"), (rules[0].Role, rules[0].Recipe, rules[0].Layer));
        Assert.Equal((TensorRole.Weight, RecipeKind.Keep, "model.layers.0.mlp.down_proj"), (rules[1].Role, rules[1].Recipe, rules[1].Layer));
        Assert.Equal(RunPlan.Rules, rules.Skip(2));
    }

    [Fact]
    public void Recommend_TenPercent_KeepsUntilTheRestIsUnderTheTarget()
    {
        // Target 0.06: keep 0.4 (0.2 left), 0.13 (0.07 left), 0.05 (0.02 left).
        var r = KeepListRecommender.Recommend(Input(), RunPlan, 0.1);
        Assert.Equal(["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj", "model.layers.0.mlp.up_proj"], r.Keep);
        Assert.Equal(0.02, r.PredictedError, 6);
    }

    [Fact]
    public void Recommend_NoErrorSplit_FallsBackToSqnr()
    {
        // SQNR 20 dB on input and weight: √(0.01 + 0.01) = 0.1414; layer 2 at 10 dB: √(0.1 + 0.1) = 0.4472.
        var input = HealthyRun.Input()
            .With(MetricCatalog.SqnrDb, TensorRoles.Input, HealthyRun.PerLayer((_, l) => l == 2 ? 10f : 20f))
            .With(MetricCatalog.SqnrDb, TensorRoles.Weight, HealthyRun.PerLayer((_, l) => l == 2 ? 10f : 20f));
        var r = KeepListRecommender.Recommend(input, RunPlan, 0.5);
        Assert.Equal(["model.layers.0.mlp.down_proj"], r.Keep);
        Assert.Equal(Math.Sqrt(0.2), r.Layers[0].Contribution, 5);
        Assert.Equal(Math.Sqrt(0.02), r.Layers[1].Contribution, 5);
        Assert.All(r.Layers, l => Assert.Equal("sqnr", l.Source));
    }

    [Fact]
    public void Recommend_PtqSensitivity_UsesLossDeltasAndDropsNegativeOnes()
    {
        LayerSensitivity[] ranking =
        [
            new("model.layers.0.self_attn.q_proj", 3.3, 0.30, 1),
            new("model.layers.1.mlp.down_proj", 3.1, 0.10, 2),
            new("model.layers.0.mlp.up_proj", 3.0, -0.01, 3),
        ];
        var r = KeepListRecommender.Recommend(Input(), RunPlan, 0.5, ranking);
        Assert.Equal("nats/token", r.Unit);
        Assert.Equal(["model.layers.0.self_attn.q_proj"], r.Keep); // 0.4 total, 0.1 left ≤ 0.2
        Assert.Equal(0.0, r.Layers.Single(l => l.Layer == "model.layers.0.mlp.up_proj").Contribution);
        Assert.All(r.Layers, l => Assert.Equal("ptq", l.Source));
    }

    [Fact]
    public void Recommend_GradQuantizedInThePlan_KeepsTheGradToo()
    {
        var input = Input();
        input = input with { Plan = [.. input.Plan, new PlanEntry("model.layers.0.mlp.down_proj", TensorRoles.GradOutput, "e5m2", "delayed(h=16,max,margin=0)", null)] };
        var r = KeepListRecommender.Recommend(input, RunPlan, 0.5);
        Assert.Equal([TensorRole.Input, TensorRole.Weight, TensorRole.Grad], r.Plan.Rules!.Take(3).Select(x => x.Role));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Recommend_BadTarget_NamesTarget(double target)
    {
        var ex = Assert.Throws<KeepListInputException>(() => KeepListRecommender.Recommend(Input(), RunPlan, target));
        Assert.Equal("target", ex.Field);
    }

    [Fact]
    public void Recommend_NothingMeasured_NamesErrorBoth()
    {
        var ex = Assert.Throws<KeepListInputException>(() => KeepListRecommender.Recommend(HealthyRun.Input(), RunPlan));
        Assert.Equal("errorBoth", ex.Field);
    }

    [Fact]
    public void Recommend_EmptyPlan_NamesQuant()
    {
        var ex = Assert.Throws<KeepListInputException>(() => KeepListRecommender.Recommend(Input(), QuantPlan.HighPrecision));
        Assert.Equal("quant", ex.Field);
    }
}
