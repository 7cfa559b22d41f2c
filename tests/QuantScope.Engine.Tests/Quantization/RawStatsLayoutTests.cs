using static TorchSharp.torch;

namespace QuantScope.Engine.Tests.Quantization;

public sealed class RawStatsLayoutTests
{
    [Fact]
    public void Columns_Offsets_AreContiguousUniqueAndFillTheWidth()
    {
        var next = 0;
        foreach (var column in RawStatsLayout.Columns)
        {
            Assert.True(column.Count >= 1, $"'{column}' declares no column");
            Assert.Equal(next, column.Offset);
            next += column.Count;
        }

        Assert.Equal(RawStatsLayout.Width, next);
        Assert.Equal(RawStatsLayout.Columns.Count, RawStatsLayout.Columns.Distinct().Count());
        Assert.Equal(RawStatsLayout.Columns.Count, RawStatsLayout.Columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(LayerStatsLayout.Roles.Count * RawStatsLayout.Width, LayerStatsFinalizer.RawWidth);
    }

    [Fact]
    public void Columns_InGroupOrder_EachGroupARunOfItsOwn()
    {
        var next = 0;
        foreach (var group in LayerStatsLayout.Groups)
        {
            Assert.NotEmpty(group.Raw);
            Assert.Equal(next, group.Raw[0].Offset);
            next += group.RawWidth;
        }

        Assert.Equal(RawStatsLayout.Width, next);
    }

    [Fact]
    public void OffsetOf_UndeclaredColumn_Throws()
    {
        Assert.Throws<ArgumentException>(() => RawStatsLayout.OffsetOf(new RawColumn("undeclared")));
    }

    [Fact]
    public void Finish_EveryDeclaredColumn_IsReadBySomeFormula()
    {
        // A column is read when changing it (to another number, or to NaN) changes some finished metric of some role.
        var baseline = Enumerable.Range(0, LayerStatsFinalizer.RawWidth).Select(i => 2.0 + i % RawStatsLayout.Width).ToArray();
        var expected = LayerStatsFinalizer.Finish(baseline);
        foreach (var column in RawStatsLayout.Columns)
        {
            var read = false;
            for (var c = column.Offset; c < column.Offset + column.Count && !read; c++)
                read = Changes(baseline, expected, c, 0.5) || Changes(baseline, expected, c, double.NaN);
            Assert.True(read, $"raw column '{column}' is read by no formula");
        }
    }

    [Fact]
    public void Stats_EveryGroupsFormula_IsAPerLayerCatalogMetricOnItsRoles()
    {
        foreach (var stat in LayerStatsLayout.Groups.SelectMany(g => g.Stats))
        {
            Assert.True(MetricCatalog.TryGet(stat.Metric, out var info), $"'{stat.Metric}' is not in the catalog");
            Assert.Equal(MetricScope.PerLayer, info.Scope);
            Assert.NotEmpty(info.Roles);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quantize_RawVector_SpansTheQuantizerGroupsFromAmax(bool fullStats)
    {
        // The quantizer writes its groups as one vector from Amax on: its width and order must match their declarations.
        using var scope = NewDisposeScope();
        var x = linspace(-3, 3, 64);
        var (_, stats) = RoleQuantizer.Quantize(x, x.abs().max(), FloatFormat.E4M3, null, advance: false, fullStats);
        var groups = fullStats ? new[] { RoleQuantizer.Group, QuantErrorStats.Group, HiF8TierStats.Group, MagnitudeHistogram.Group, BlockScaleStats.Group } : [RoleQuantizer.Group];
        Assert.Equal(groups.Sum(g => g.RawWidth), (int)stats.shape[0]);
        Assert.Equal(0, RoleQuantizer.Amax.Offset);
        Assert.Equal(RoleQuantizer.OverflowCount.Offset + 1, QuantErrorStats.NonzeroInput.Offset);
        Assert.Equal(QuantErrorStats.SignalEnergy.Offset + 1, HiF8TierStats.BinCounts.Offset);
        Assert.Equal(HiF8TierStats.BinCounts.Offset + HiF8TierStats.Bins, MagnitudeHistogram.Counts.Offset);
        Assert.Equal(MagnitudeHistogram.Counts.Offset + MagnitudeHistogram.Counts.Count, BlockScaleStats.Columns.Offset);
    }

    [Fact]
    public void PowerSums_WithTheMedian_FillTheDistributionGroup()
    {
        using var scope = NewDisposeScope();
        var sums = DistributionStats.PowerSums(linspace(-1, 1, 16));
        Assert.Equal(DistributionStats.Group.RawWidth, (int)sums.shape[0] + 1); // + the channel median
        Assert.Equal(DistributionStats.SumX.Offset + 3, DistributionStats.ChannelMedian.Offset);
    }

    private static bool Changes(double[] baseline, float[] expected, int column, double value)
    {
        var raw = (double[])baseline.Clone();
        for (var r = 0; r < LayerStatsLayout.Roles.Count; r++)
            raw[r * RawStatsLayout.Width + column] = double.IsNaN(value) ? value : raw[r * RawStatsLayout.Width + column] + value;
        var final = LayerStatsFinalizer.Finish(raw);
        return !final.AsSpan().SequenceEqual(expected); // float equality: NaN equals NaN here
    }
}
