namespace QuantScope.Engine.Tests.Quantization;

public class QuantPlanTests
{
    private static string[] Names(int blocks) =>
        Enumerable.Range(0, blocks).SelectMany(i => new[] { "q_proj", "k_proj", "v_proj", "o_proj" }.Select(p => $"model.layers.{i}.self_attn.{p}")
            .Concat(new[] { "gate_proj", "up_proj", "down_proj" }.Select(p => $"model.layers.{i}.mlp.{p}"))).ToArray();

    [Theory]
    [InlineData("model.layers.*.mlp.down_proj", "model.layers.3.mlp.down_proj", true)]
    [InlineData("model.layers.*.mlp.down_proj", "model.layers.3.mlp.up_proj", false)]
    [InlineData("model.layers.*.down_proj", "model.layers.3.mlp.down_proj", false)]
    [InlineData("model.**.down_proj", "model.layers.3.mlp.down_proj", true)]
    [InlineData("**", "anything.at.all", true)]
    [InlineData("model.layers.?.mlp.*_proj", "model.layers.7.mlp.gate_proj", true)]
    [InlineData("model.layers.?.mlp.*_proj", "model.layers.17.mlp.gate_proj", false)]
    public void Glob_Matches(string glob, string name, bool expected) =>
        Assert.Equal(expected, QuantPlan.GlobToRegex(glob).IsMatch(name));

    [Fact]
    public void Resolve_FirstMatchingRuleWins_NoMatchIsHighPrecision()
    {
        var plan = new QuantPlan("t",
        [
            new QuantRule { Layer = "model.layers.*.mlp.down_proj", Role = TensorRole.Input, Recipe = RecipeKind.Keep },
            new QuantRule { Layer = "model.layers.*.mlp.*", Role = TensorRole.Input, Format = FormatName.E5M2, Recipe = RecipeKind.Current },
            new QuantRule { Layer = "model.layers.*.mlp.*", Role = TensorRole.Weight, Format = FormatName.Parse("mxfp4"), Recipe = RecipeKind.Block },
        ]);
        var r = plan.Resolve(Names(1));
        Assert.Null(r.RecipeFor("model.layers.0.mlp.down_proj", TensorRole.Input));
        Assert.Equal(new CurrentScalingRecipe { Format = FormatName.E5M2 }, r.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Input));
        Assert.Equal(new BlockScalingRecipe { Format = FormatName.Parse("mxfp4") }, r.RecipeFor("model.layers.0.mlp.down_proj", TensorRole.Weight));
        Assert.Null(r.RecipeFor("model.layers.0.self_attn.q_proj", TensorRole.Weight));
        Assert.Equal(7 * 2, r.Entries.Count);
        Assert.Empty(r.Warnings);
        var rows = r.ToPlanEntries();
        Assert.Contains(new PlanEntry("model.layers.0.self_attn.q_proj", TensorRoles.Input, "fp32", "high precision", null), rows);
        Assert.Contains(new PlanEntry("model.layers.0.mlp.up_proj", TensorRoles.Input, "e5m2", "current(margin=0)", null), rows);
    }

    [Fact]
    public void Resolve_RuleMatchingNothing_Warns()
    {
        var plan = new QuantPlan("t", [new QuantRule { Layer = "model.layers.*.mlp.fc9", Role = TensorRole.Weight }]);
        var r = plan.Resolve(Names(2));
        Assert.Equal(["rule 1 (model.layers.*.mlp.fc9, weight) matched no layer"], r.Warnings);
        Assert.All(r.Entries, e => Assert.Null(e.Recipe));
    }

    [Fact]
    public void HiF8Pangu_SixBlocks_SkipsOnlyTheFirstBlock()
    {
        // Skips scale with depth below 26 blocks: first round(3 * 6 / 26 = 0.69) = 1, last round(2 * 6 / 26 = 0.46) = 0.
        var r = QuantPlan.Preset("hif8-pangu").Resolve(Names(6));
        var quantized = r.Entries.Where(e => e.Recipe is not null).ToArray();
        Assert.Equal([1, 2, 3, 4, 5], quantized.Select(e => QuantPlan.BlockIndex(e.Layer)).Distinct());
        Assert.Equal(5 * 3 * 3, quantized.Length); // 5 blocks x gate/up/down x input/weight/grad
        Assert.All(quantized, e => Assert.Contains(".mlp.", e.Layer));
        var d = Assert.IsType<DelayedScalingRecipe>(r.RecipeFor("model.layers.3.mlp.down_proj", TensorRole.Weight));
        Assert.Equal(("hif8", 64, AmaxAlgorithm.Max), (d.Format.Name, d.AmaxHistoryLength, d.AmaxComputeAlgo));
        Assert.Contains(new PlanEntry("model.layers.3.mlp.up_proj", TensorRoles.Input, "hif8", "delayed(h=64,max,margin=0,max_val=15)", null), r.ToPlanEntries());
        Assert.Equal(6 * 7 * 2 + 5 * 3, r.Entries.Count);
        Assert.Empty(r.Warnings);
    }

    [Theory]
    [InlineData(2, 0, 2)]    // tiny: 0.23 and 0.15 round to 0: both blocks
    [InlineData(4, 0, 4)]
    [InlineData(13, 2, 12)]  // 1.5 -> 2 (midpoint away from zero), 1.0 -> 1
    [InlineData(26, 3, 24)]  // openPangu-Embedded-1B: the first 3 and last 2 skipped, as published
    [InlineData(40, 3, 38)]  // deeper: still 3 and 2
    public void HiF8Pangu_Depth_SkipsScaleBelow26Blocks(int blocks, int firstQuantized, int endQuantized)
    {
        var r = QuantPlan.Preset("hif8-pangu").Resolve(Names(blocks));
        var quantized = r.Entries.Where(e => e.Recipe is not null).Select(e => QuantPlan.BlockIndex(e.Layer)).Distinct().ToArray();
        Assert.Equal(Enumerable.Range(firstQuantized, endQuantized - firstQuantized), quantized);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void SkipFullFromBlocks_Null_SkipsAreAbsolute()
    {
        var rule = new QuantRule { Layer = "**", Role = TensorRole.Weight, SkipFirstBlocks = 3, SkipLastBlocks = 2 };
        Assert.Equal((3, 2), rule.SkipsFor(6));
        Assert.Equal((1, 0), (rule with { SkipFullFromBlocks = 26 }).SkipsFor(6));
        var r = new QuantPlan("t", [rule]).Resolve(Names(6));
        Assert.Equal([3], r.Entries.Where(e => e.Recipe is not null).Select(e => QuantPlan.BlockIndex(e.Layer)).Distinct());
    }

    [Fact]
    public void Hybrid_GradOutputIsE5M2DelayedOnEveryLayer()
    {
        var r = QuantPlan.Preset("fp8-hybrid-delayed").Resolve(Names(1));
        var grad = r.Entries.Where(e => e.Role == TensorRole.Grad).ToArray();
        Assert.Equal(7, grad.Length);
        Assert.All(grad, e => Assert.Null(e.Note));
        Assert.All(grad, e => Assert.Equal("e5m2", e.Recipe!.Format.Name));
        var g = Assert.IsType<DelayedScalingRecipe>(r.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Grad));
        Assert.Equal(("e5m2", 1024, AmaxAlgorithm.Max), (g.Format.Name, g.AmaxHistoryLength, g.AmaxComputeAlgo));
        var w = Assert.IsType<DelayedScalingRecipe>(r.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Weight));
        Assert.Equal(("e4m3", 1024), (w.Format.Name, w.AmaxHistoryLength));
    }

    [Fact]
    public void W4A4_GroupNotDividingInFeatures_FallsBackWithWarning()
    {
        var names = new[] { "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj" };
        var r = QuantPlan.Preset("w4a4-g128").Resolve(names, (n, _) => n.EndsWith("down_proj", StringComparison.Ordinal) ? 256 : 32);
        Assert.Equal(new BlockScalingRecipe { Format = FormatName.Parse("int4-g128") }, r.RecipeFor("model.layers.0.mlp.down_proj", TensorRole.Weight));
        Assert.Equal(new BlockScalingRecipe { Format = FormatName.Parse("int4") }, r.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Weight));
        Assert.Equal(2, r.Warnings.Count);
        Assert.All(r.Warnings, w => Assert.Contains("group size 128 does not divide in-features 32", w));
    }

    [Fact]
    public void GradOutputBlocks_CheckedAgainstOutFeatures()
    {
        var plan = new QuantPlan("g", [new QuantRule { Layer = "**", Role = TensorRole.Grad, Format = FormatName.Parse("mxfp4"), Recipe = RecipeKind.Block }]);
        var names = new[] { "a", "b" };
        // Blocks of a gradient [.., out] run along out-features: 64 divides by 32, 48 does not.
        var r = plan.Resolve(names, (n, role) => role == TensorRole.Grad ? (n == "a" ? 64 : 48) : 32);
        Assert.Equal(new BlockScalingRecipe { Format = FormatName.Parse("mxfp4") }, r.RecipeFor("a", TensorRole.Grad));
        Assert.Null(r.RecipeFor("b", TensorRole.Grad));
        Assert.Equal("b grad: block size 32 does not divide out-features 48: fell back to high precision", Assert.Single(r.Warnings));
    }

    [Fact]
    public void W4A4Fc2Int8_DownProjInputIsInt8PerTensorCurrent()
    {
        var r = QuantPlan.Preset("w4a4-g128-fc2-int8").Resolve(Names(1));
        Assert.Equal(new CurrentScalingRecipe { Format = FormatName.Parse("int8-pt") }, r.RecipeFor("model.layers.0.mlp.down_proj", TensorRole.Input));
        Assert.Equal(new BlockScalingRecipe { Format = FormatName.Parse("int4-g128") }, r.RecipeFor("model.layers.0.mlp.down_proj", TensorRole.Weight));
        Assert.Equal(new BlockScalingRecipe { Format = FormatName.Parse("int4-g128") }, r.RecipeFor("model.layers.0.mlp.up_proj", TensorRole.Input));
    }

    [Fact]
    public void Presets_AllResolvable_UnknownThrows()
    {
        foreach (var name in QuantPlan.PresetNames) Assert.Equal(name, QuantPlan.Preset(name).Name);
        Assert.False(QuantPlan.TryGetPreset("fp3", out _));
        Assert.Throws<ArgumentException>(() => QuantPlan.Preset("fp3"));
    }

    [Fact]
    public void FromRecipe_IsTheDefaultFp8Delayed()
    {
        var a = QuantPlan.FromRecipe(new DelayedScalingRecipe()).Resolve(Names(1)).ToPlanEntries();
        var b = QuantPlan.Preset("fp8-delayed").Resolve(Names(1)).ToPlanEntries();
        Assert.Equal(a, b);
        Assert.All(a, e => Assert.Equal(("e4m3", "delayed(h=16,max,margin=0)"), (e.Format, e.Recipe)));
    }

    [Fact]
    public void Nvfp4Training_FourBlocks_LastBlockHighPrecision_2DWeights_StochasticGradients()
    {
        var plan = QuantPlan.Preset(Nvfp4TrainingPlan.Name);
        var r = plan.Resolve(Names(4));
        Assert.Null(r.RecipeFor("model.layers.3.mlp.down_proj", TensorRole.Input)); // ceil(0.15 · 4) = 1 block kept
        Assert.Null(r.RecipeFor("model.layers.3.self_attn.q_proj", TensorRole.Weight));
        Assert.Equal("nvfp4", r.RecipeFor("model.layers.2.mlp.down_proj", TensorRole.Input)!.Format.Name);
        Assert.Equal("nvfp4-2d", r.RecipeFor("model.layers.2.mlp.down_proj", TensorRole.Weight)!.Format.Name);
        var grad = r.RecipeFor("model.layers.0.self_attn.v_proj", TensorRole.Grad)!;
        Assert.Equal(("nvfp4", RoundingMode.Stochastic), (grad.Format.Name, grad.Rounding));
        Assert.Equal(RoundingMode.Nearest, r.RecipeFor("model.layers.0.self_attn.v_proj", TensorRole.Input)!.Rounding);
        Assert.Empty(r.Warnings);
    }

    [Theory]
    [InlineData(0.15, 12, 2)]
    [InlineData(0.15, 6, 1)]
    [InlineData(0.5, 4, 2)]
    [InlineData(0.0, 4, 0)]
    public void SkipLastShare_KeepsTheCeilingOfTheShare(double share, int blocks, int kept)
    {
        var plan = new QuantPlan("t", [new QuantRule { Layer = "**", Role = TensorRole.Input, SkipLastShare = share }]);
        var r = plan.Resolve(Names(blocks));
        var highPrecision = Enumerable.Range(0, blocks).Count(b => r.RecipeFor($"model.layers.{b}.mlp.up_proj", TensorRole.Input) is null);
        Assert.Equal(kept, highPrecision);
    }
}
