using QuantScope.Web.Studies;

namespace QuantScope.Web.Tests.Studies;

public sealed class StudyFormatTests
{
    [Theory]
    [InlineData(0.0163, "0.0163 %")]
    [InlineData(0.000204, "0.000204 %")]
    [InlineData(0.5, "0.5 %")]
    [InlineData(1.234, "1.23 %")]
    [InlineData(-2.5, "-2.50 %")]
    [InlineData(0.0, "0 %")]
    public void Percent_KeepsTheDigitsThatMatter(double percent, string text) => Assert.Equal(text, StudyFormat.Percent(percent));

    [Fact]
    public void Percent_Missing_IsADash() => Assert.Equal("–", StudyFormat.Percent(null));

    [Fact]
    public void FractionPercent_ScalesBy100() => Assert.Equal("12.50 %", StudyFormat.FractionPercent(0.125));

    [Fact]
    public void Drop_WithAndWithoutStandardError()
    {
        Assert.Equal("0.52 ± 0.31 %", StudyFormat.Drop(0.52, 0.31));
        Assert.Equal("3.13 ± 1.20 %", StudyFormat.Drop(3.125, 1.2));
        Assert.Equal("0.52 %", StudyFormat.Drop(0.52, null));
        Assert.Equal("–", StudyFormat.Drop(null, 0.3));
        Assert.Equal("0.52 ± 0.31 % (720 items)", StudyFormat.Drop(0.52, 0.31, 720));
        Assert.Equal("0.52 % (32 items)", StudyFormat.Drop(0.52, null, 32));
        Assert.Equal("0.52 ± 0.31 % (720 items; 5 lost, 2 gained)", StudyFormat.Drop(0.52, 0.31, 720, 5, 2));
    }
}
