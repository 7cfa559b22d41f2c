using QuantScope.Engine.Model;
using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Tests.Model;

/// <summary>The built-in model presets' widths suit every block format: no layer silently falls back to high precision.</summary>
public sealed class ModelPresetPlansTests
{
    public static TheoryData<string, string> PresetsAndPlans()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "demo", "small", "base" })
            foreach (var plan in new[] { "mxfp8", "mxfp4", "nvfp4", "w4a4-g128" })
                data.Add(model, plan);
        return data;
    }

    [Theory]
    [MemberData(nameof(PresetsAndPlans))]
    public void BlockPlan_BuiltInPreset_QuantizesEveryLinearWithItsOwnFormat(string model, string plan)
    {
        var config = ModelConfig.Preset(model)!;
        // The model itself resolves the plan against its layers' real widths (the path a run takes).
        using var built = new LlamaForCausalLM(config, QuantPlan.Preset(plan), seed: 1);
        var resolved = built.EffectivePlan;

        Assert.Empty(resolved.Warnings);
        Assert.Equal(config.Layers * 7, built.QuantizedLayerNames.Count);
        var expected = QuantPlan.Preset(plan).Rules[0].Format.Name;
        foreach (var name in built.QuantizedLayerNames)
        {
            foreach (var role in new[] { TensorRole.Input, TensorRole.Weight })
            {
                var recipe = resolved.RecipeFor(name, role);
                Assert.True(recipe is not null, $"{model} {plan}: {name} {role} fell back to high precision");
                Assert.Equal(expected, recipe.Format.Name);
            }
        }
    }

    [Theory]
    [InlineData("demo", 128, 384)]
    [InlineData("small", 384, 1024)]
    [InlineData("base", 768, 2048)]
    public void Preset_Widths_AreMultiplesOf128(string model, int dModel, int ffn)
    {
        var config = ModelConfig.Preset(model)!;
        Assert.Equal((dModel, ffn), (config.DModel, config.FfnDim));
        Assert.Equal(0, config.DModel % 128);
        Assert.Equal(0, config.FfnDim % 128);
    }
}
