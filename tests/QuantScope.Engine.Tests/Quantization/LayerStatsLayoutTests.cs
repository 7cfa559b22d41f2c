namespace QuantScope.Engine.Tests.Quantization;

public sealed class LayerStatsLayoutTests
{
    [Fact]
    public void Metrics_EveryColumn_IsAPerLayerCatalogMetricOnce()
    {
        Assert.Equal(LayerStatsLayout.Metrics.Count, LayerStatsLayout.Metrics.Distinct(StringComparer.Ordinal).Count());
        foreach (var metric in LayerStatsLayout.Metrics)
        {
            Assert.True(MetricCatalog.TryGet(metric, out var info), $"'{metric}' is not in the catalog");
            Assert.Equal(MetricScope.PerLayer, info.Scope);
        }
    }

    [Fact]
    public void Finish_UnmeasuredRaw_IsNaNEverywhere()
    {
        var raw = Enumerable.Repeat(double.NaN, LayerStatsFinalizer.RawWidth).ToArray();
        Assert.All(LayerStatsFinalizer.Finish(raw), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Finish_RoleOnlyMetrics_AreNaNOutsideTheirCatalogRoles()
    {
        // Every raw value 1 (HiF8 bins included): each metric that is measured on one role only stays NaN in the others.
        var final = LayerStatsFinalizer.Finish(Enumerable.Repeat(1.0, LayerStatsFinalizer.RawWidth).ToArray());
        Assert.True(MetricCatalog.TryGet(MetricCatalog.WeightNorm, out var norm));
        foreach (var role in LayerStatsLayout.Roles)
        {
            var value = final[LayerStatsLayout.IndexOf(role, MetricCatalog.WeightNorm)];
            Assert.Equal(norm.Roles.Contains(role), !float.IsNaN(value));
        }

        Assert.Equal(1f, final[LayerStatsLayout.IndexOf(TensorRoles.Weight, MetricCatalog.WeightNorm)]);
        Assert.Equal(1f, final[LayerStatsLayout.IndexOf(TensorRoles.Input, MetricCatalog.OverflowFraction)]);
    }
}
