using QuantScope.Web.Components.Charts;

namespace QuantScope.Web.Tests.Components.Charts;

public sealed class RunSummaryPanelTests
{
    [Theory]
    [InlineData(null, "–")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "∞")]
    [InlineData(double.NegativeInfinity, "-∞")]
    [InlineData(5.191251754760742, "5.191")]
    [InlineData(0.0, "0")]
    public void Number_EdgeValues_ShowMissingOrFourDigits(double? value, string expected) =>
        Assert.Equal(expected, RunSummaryPanel.Number(value));

    [Theory]
    [InlineData(null, "–")]
    [InlineData(0.02213991725392786, "0.02")]
    [InlineData(12.345, "12.35")]
    [InlineData(double.NaN, "NaN")]
    public void Fixed_PercentValues_TwoDecimals(double? value, string expected) =>
        Assert.Equal(expected, RunSummaryPanel.Fixed(value));

    [Theory]
    [InlineData(null, "–")]
    [InlineData(0.3392857142857143, "33.9")]
    [InlineData(0.00001, "0.001")]
    [InlineData(0.0, "0")]
    public void Percent_Fractions_ThreeSignificantDigits(double? value, string expected) =>
        Assert.Equal(expected, RunSummaryPanel.Percent(value));

    [Theory]
    [InlineData(null, "–")]
    [InlineData(double.NaN, "–")]
    [InlineData(0.25, "0.250")]
    public void Accuracy_NotScored_ShowsMissing(double? value, string expected) =>
        Assert.Equal(expected, RunSummaryPanel.Accuracy(value));
}
