using QuantScope.Data.Import;
using QuantScope.Data.Import.Logs;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.Logs;

public sealed class NvInspectImporterTests
{
    [Fact]
    public void Read_StatsLines_MapsTensorsStatsAndLayers()
    {
        const string text = """
            INFO - nvdlfw_inspect - Starting
            model.layers.0.mlp.fc2_activation_underflows%        iteration=000002         value=4.3188
            model.layers.1.mlp.fc2_activation_underflows%        iteration=000002         value=50
            model.layers.0.mlp.fc2_weight_cur_amax               iteration=000002         value=0.5
            model.layers.0.self_attention.layernorm_qkv_gradient_overflows% iteration=000004 value=1.5
            model.layers.0.mlp.fc2_activation_scale_inv_min      iteration=000004         value=0.125
            model.layers.0.mlp.fc2_activation_mse                iteration=000004         value=2e-6
            model.layers.0.mlp.fc2_activation_dynamic_range      iteration=000004         value=oops
            model.layers.0.mlp.fc2_whatever_max                  iteration=000004         value=1
            """;
        var series = Read(NvInspectImporter.Read, text);

        Assert.Equal(["model.layers.0.mlp.fc2", "model.layers.1.mlp.fc2", "model.layers.0.self_attention.layernorm_qkv"], series.Layers);
        var points = LayerPoints(series);
        Assert.Equal(5, points.Length);
        Assert.Equal([(float)(4.3188 / 100), 0.5f, float.NaN], points.Single(p => p is { Step: 2, Metric: MetricCatalog.UnderflowFraction, Role: TensorRoles.Input }).Values);
        Assert.Equal([0.5f, float.NaN, float.NaN], points.Single(p => p is { Step: 2, Metric: MetricCatalog.Amax, Role: TensorRoles.Weight }).Values);
        Assert.Equal([float.NaN, float.NaN, 0.015f], points.Single(p => p is { Step: 4, Metric: MetricCatalog.OverflowFraction, Role: TensorRoles.GradOutput }).Values);
        Assert.Equal([0.125f, float.NaN, float.NaN], points.Single(p => p is { Step: 4, Metric: MetricCatalog.ScaleInvMin, Role: TensorRoles.Input }).Values);
        Assert.Equal([2e-6f, float.NaN, float.NaN], points.Single(p => p is { Step: 4, Metric: MetricCatalog.Mse }).Values);
        Assert.Equal(2, series.Skipped.Count);
        Assert.Equal("line 8: value 'oops' is not a number", series.Skipped[0]);
        Assert.StartsWith("line 9: 'model.layers.0.mlp.fc2_whatever_max' names no tensor", series.Skipped[1]);
    }

    [Theory]
    [InlineData("underflows%", "underflowFraction", 100)]
    [InlineData("overflows%", "overflowFraction", 100)]
    [InlineData("cur_amax", "amax", 1)]
    [InlineData("mse", "mse", 1)]
    [InlineData("l2_norm", "l2_norm", 1)]
    [InlineData("dynamic_range", "dynamicRange", 1)]
    [InlineData("max_blockwise_dynamic_range", "maxBlockwiseDynamicRange", 1)]
    [InlineData("scale_inv_max", "scaleInvMax", 1)]
    public void MapStat_Stats_OurNamesWhereMapped(string stat, string metric, double divisor) =>
        Assert.Equal((metric, divisor), NvInspectImporter.MapStat(stat));

    [Theory]
    [InlineData("mxfp8_underflows%", "activation", "whatIf.mxfp8-e4m3.underflowFraction", "input", 100)]
    [InlineData("fp8_delayed_scaling_overflows%", "gradient", "whatIf.fp8-delayed.overflowFraction", "grad", 100)]
    [InlineData("nvfp4_underflows%", "weight", "whatIf.nvfp4.underflowFraction", "weight", 100)]
    [InlineData("fp8_current_scaling_scale_inv_min", "activation", "whatIf.fp8-current.scaleInvMin", "input", 1)]
    [InlineData("fp8_current_scaling_scale_inv_min_columnwise", "activation", "whatIf.fp8-current.scaleInvMin", "input-columnwise", 1)]
    [InlineData("fp8_block_scaling_mse_columnwise", "weight", "whatIf.fp8-block.mse", "weight-columnwise", 1)]
    [InlineData("underflows%_columnwise", "gradient", "underflowFraction", "grad-columnwise", 100)]
    [InlineData("max_blockwise_dynamic_range", "activation", "maxBlockwiseDynamicRange", "input", 1)]
    [InlineData("fp8_std", "activation", "fp8_std", "input", 1)] // "fp8_" alone is no recipe
    public void Map_TransformerEngineNames_RecipeAsWhatIfColumnwiseAsRole(string stat, string tensor, string metric, string role, double divisor)
    {
        Assert.Equal(new TeStatName(metric, role, divisor), TeStatName.Map(stat, ImportRoles.Normalize(tensor)));
        if (metric.Contains('.') || metric == "maxBlockwiseDynamicRange") Assert.True(MetricCatalog.TryGet(metric, out _), metric);
    }

    [Fact]
    public void Read_TransformerEngineRecipeStats_WhatIfAndColumnwiseSeries()
    {
        const string text = """
            model.layers.0.mlp.fc1_activation_mxfp8_underflows%                 iteration=000010 value=12.5
            model.layers.0.mlp.fc1_gradient_fp8_delayed_scaling_overflows%      iteration=000010 value=0.25
            model.layers.0.mlp.fc1_weight_nvfp4_underflows%_columnwise          iteration=000010 value=3
            model.layers.0.mlp.fc1_activation_fp8_current_scaling_scale_inv_min iteration=000010 value=0.0078125
            model.layers.0.mlp.fc1_activation_dynamic_range                     iteration=000010 value=17.5
            """;
        var points = LayerPoints(Read(NvInspectImporter.Read, text));
        Assert.Equal([0.125f], points.Single(p => p is { Metric: "whatIf.mxfp8-e4m3.underflowFraction", Role: TensorRoles.Input }).Values);
        Assert.Equal([0.0025f], points.Single(p => p is { Metric: "whatIf.fp8-delayed.overflowFraction", Role: TensorRoles.GradOutput }).Values);
        Assert.Equal([0.03f], points.Single(p => p is { Metric: "whatIf.nvfp4.underflowFraction", Role: "weight-columnwise" }).Values);
        Assert.Equal([0.0078125f], points.Single(p => p is { Metric: "whatIf.fp8-current.scaleInvMin", Role: TensorRoles.Input }).Values);
        Assert.Equal([17.5f], points.Single(p => p is { Metric: MetricCatalog.DynamicRange, Role: TensorRoles.Input }).Values);
    }
}
