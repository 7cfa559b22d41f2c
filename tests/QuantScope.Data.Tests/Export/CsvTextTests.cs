using QuantScope.Data.Export;

namespace QuantScope.Data.Tests.Export;

public sealed class CsvTextTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1+cmd", "'+1+cmd")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tlayer", "'\tlayer")]
    public void Cell_StartsLikeAFormula_EscapedAsText(string name, string expected) =>
        Assert.Equal(expected, CsvText.Cell(name));

    [Theory]
    [InlineData("model.layers.0.mlp.down_proj", "model.layers.0.mlp.down_proj")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("mid=dle", "mid=dle")]
    [InlineData("", "")]
    public void Cell_OrdinaryNames_UnchangedOrQuoted(string name, string expected) =>
        Assert.Equal(expected, CsvText.Cell(name));

    [Fact]
    public void Number_NegativeValue_NotEscaped() => Assert.Equal("-1.5", CsvText.Number(-1.5f));
}
