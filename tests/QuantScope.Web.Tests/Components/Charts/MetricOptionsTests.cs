using QuantScope.Web.Components.Charts;

namespace QuantScope.Web.Tests.Components.Charts;

public sealed class MetricOptionsTests
{
    [Fact]
    public void ForRun_RecordedNames_GroupedInOrderWithCatalogueLabelsAndRawNamesForUnknownOnes()
    {
        string[] recorded =
        [
            "magHist.over", "magHist.e-3", "madeUp.stat", MetricCatalog.Mse, "magHist.zero", "whatIf.mxfp8-e4m3.sqnrDb", MetricCatalog.OverflowFraction,
            "magHist.e2", "dynamicRange", "whatIf.e5m2.overflowFraction", MetricCatalog.WeightNorm, "magHist.under", MetricCatalog.Kurtosis, MetricCatalog.Hif8Tier1Bit,
        ];
        var groups = MetricOptions.ForRun(recorded);
        Assert.Equal(
            ["Saturation and range", "Quantization error", "Distribution", "HiF8 tiers", "Norms", "Magnitude histogram", "What-if e5m2", "What-if mxfp8-e4m3", "Other (as recorded)"],
            groups.Select(g => g.Label));
        Assert.Equal([MetricCatalog.OverflowFraction, "dynamicRange"], groups[0].Options.Select(o => o.Metric)); // catalogue order, then the rest
        Assert.Equal("MSE (x² units)", groups[1].Options.Single().Label);
        Assert.Equal(["magHist.zero", "magHist.under", "magHist.e-3", "magHist.e2", "magHist.over"], groups[5].Options.Select(o => o.Metric));
        Assert.Equal("what-if e5m2: overflow fraction (0–1, share of elements clipped)", groups[6].Options.Single().Label);
        Assert.Equal("what-if mxfp8-e4m3: SQNR (dB)", groups[7].Options.Single().Label);
        Assert.Equal(new MetricOption("madeUp.stat", "madeUp.stat"), groups[8].Options.Single());
        Assert.Equal(recorded.Length, groups.Sum(g => g.Options.Count));
    }

    [Fact]
    public void ForRun_NothingRecordedYet_OffersTheCataloguesHeatmapMetrics()
    {
        var offered = MetricOptions.ForRun([]).SelectMany(g => g.Options).Select(o => o.Metric).ToHashSet();
        Assert.Equal(MetricOptions.Heatmap.Select(o => o.Metric).ToHashSet(), offered);
    }

    [Fact]
    public void ForRun_SelectedNotRecordedForThisRole_StillOffered()
    {
        var groups = MetricOptions.ForRun([MetricCatalog.Amax], selected: MetricCatalog.ErrorBoth);
        Assert.Equal([MetricCatalog.Amax, MetricCatalog.ErrorBoth], groups.SelectMany(g => g.Options).Select(o => o.Metric));
    }

    [Theory]
    [InlineData("magHist.zero", null, "0")]
    [InlineData("magHist.under", null, "under")]
    [InlineData("magHist.e-9", -9, "2^-9")]
    [InlineData("magHist.e15", 15, "2^15")]
    [InlineData("magHist.over", null, "over")]
    public void MagnitudeBin_Names_ParsedWithLabels(string name, int? exponent, string label)
    {
        Assert.True(MagnitudeBin.TryParse(name, out var bin));
        Assert.Equal((exponent, label), (bin.Exponent, bin.Label));
    }

    [Theory]
    [InlineData("magHist.eX")]
    [InlineData("magHist.")]
    [InlineData("amax")]
    public void MagnitudeBin_OtherNames_NotBins(string name) => Assert.False(MagnitudeBin.TryParse(name, out _));

    [Theory]
    [InlineData("e4m3", -9, 8)] // 2^-9 smallest subnormal, 448 = 1.75·2^8
    [InlineData("e5m2", -16, 15)] // 2^-16, 57344 = 1.75·2^15
    public void FormatExponentRange_Fp8_SubnormalAndMaxBinades(string format, int min, int max) =>
        Assert.Equal(new FormatExponentRange(format, min, max), FormatExponentRange.Of(format));

    [Theory]
    [InlineData("fp32")]
    [InlineData(null)]
    public void FormatExponentRange_HighPrecision_None(string? format) => Assert.Null(FormatExponentRange.Of(format));

    [Fact]
    public void ForScalars_CatalogueOrderThenNamesWithUnits()
    {
        var options = MetricOptions.ForScalars(["task.facts.acc", MetricCatalog.StepMillis, MetricCatalog.Loss, "custom_metric", MetricCatalog.Loss]);

        Assert.Equal([MetricCatalog.Loss, MetricCatalog.StepMillis, "custom_metric", "task.facts.acc"], options.Select(o => o.Metric));
        Assert.Equal("loss (nats/token)", options[0].Label);
        Assert.Equal("step time (ms)", options[1].Label);
        Assert.Equal("custom_metric (custom_metric)", options[2].Label); // unknown: its own name as the unit
        Assert.Equal("task.facts.acc (fraction)", options[3].Label);
    }

    [Fact]
    public void RolesFor_TheThreeRolesThenRecordedVariants()
    {
        var roles = MetricOptions.RolesFor([TensorRoles.Weight, "input-columnwise", TensorRoles.Input, "grad-columnwise", "input-columnwise"]);

        Assert.Equal([TensorRoles.Input, TensorRoles.Weight, TensorRoles.GradOutput, "grad-columnwise", "input-columnwise"], roles.Select(r => r.Metric));
        Assert.Equal("input (columnwise copy)", roles[4].Label);
        Assert.Equal(MetricOptions.Roles, MetricOptions.RolesFor([]));
    }
}
