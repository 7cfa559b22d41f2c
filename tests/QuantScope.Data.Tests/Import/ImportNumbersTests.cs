using QuantScope.Data.Import;

namespace QuantScope.Data.Tests.Import;

public sealed class ImportNumbersTests
{
    [Theory]
    [InlineData("2.5", 2.5)]
    [InlineData("1,024", 1024)]
    [InlineData("1,234,567.5", 1234567.5)]
    [InlineData("1.05M", 1050000)]
    [InlineData("3.2k", 3200)]
    [InlineData("4G", 4e9)]
    [InlineData("1.2M/s", 1200000)]
    [InlineData("8.77s", 8.77)]
    [InlineData("12ms", 12)]
    [InlineData("3.1%", 3.1)]
    [InlineData("1e-3", 0.001)]
    [InlineData("-0.5,", -0.5)]
    [InlineData("tok/s", double.NaN)]
    public void TryParseLoose_Values_TakesTheNumber(string text, double expected)
    {
        if (double.IsNaN(expected))
        {
            Assert.False(ImportNumbers.TryParseLoose(text, out _));
            return;
        }
        Assert.True(ImportNumbers.TryParseLoose(text, out var value));
        Assert.Equal(expected, value, 9);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("2024-01-01")]
    [InlineData("0x1F")]
    [InlineData("1,02")]
    [InlineData("")]
    public void TryParseLoose_NonNumbers_False(string text) => Assert.False(ImportNumbers.TryParseLoose(text, out _));

    [Theory]
    [InlineData("nan")]
    [InlineData("NaN")]
    public void TryParseLoose_NaN_IsAValue(string text)
    {
        Assert.True(ImportNumbers.TryParseLoose(text, out var value));
        Assert.True(double.IsNaN(value));
    }

    [Theory]
    [InlineData("12", 12)]
    [InlineData("000002", 2)]
    [InlineData("1,024", 1024)]
    [InlineData("30/100", 30)]
    [InlineData("12.0", 12)]
    public void TryParseStep_Forms_Parse(string text, int expected)
    {
        Assert.True(ImportNumbers.TryParseStep(text, out var step));
        Assert.Equal(expected, step);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    public void TryParseStep_Invalid_False(string text) => Assert.False(ImportNumbers.TryParseStep(text, out _));

    [Theory]
    [InlineData("epoch|step|loss", null, 1)]
    [InlineData("_step|trainer/global_step|train/loss", null, 1)]
    [InlineData("  epoch  |train/box_loss", null, 0)]
    [InlineData("it|loss", null, 0)]
    [InlineData("loss|lr", null, -1)]
    [InlineData("step|samples|loss", " SAMPLES ", 1)]
    [InlineData("step|loss", "samples", -1)]
    public void FindStep_Names_MostPreferredOrRequested(string names, string? requested, int expected) =>
        Assert.Equal(expected, ImportNumbers.FindStep(names.Split('|'), requested));
}
