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
        Assert.Equal([0.125f, float.NaN, float.NaN], points.Single(p => p is { Step: 4, Metric: "scale_inv_min", Role: TensorRoles.Input }).Values);
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
    [InlineData("dynamic_range", "dynamic_range", 1)]
    public void MapStat_Stats_OurNamesWhereMapped(string stat, string metric, double divisor) =>
        Assert.Equal((metric, divisor), NvInspectImporter.MapStat(stat));
}
