using QuantScope.Data.Import.Logs;

namespace QuantScope.Data.Tests.Import.Logs;

public sealed class JsonNonFiniteTests
{
    [Theory]
    [InlineData("{\"loss\": NaN}", "{\"loss\": \"NaN\"}")]
    [InlineData("{\"a\":Infinity,\"b\":-Infinity}", "{\"a\":\"Infinity\",\"b\":\"-Infinity\"}")]
    [InlineData("{\"v\": [NaN, 1, Infinity ]}", "{\"v\": [\"NaN\", 1, \"Infinity\" ]}")]
    [InlineData("{\"note\": \"loss was NaN, then Infinity\"}", "{\"note\": \"loss was NaN, then Infinity\"}")]
    [InlineData("{\"q\": \"say \\\"x\\\": NaN\", \"loss\": NaN}", "{\"q\": \"say \\\"x\\\": NaN\", \"loss\": \"NaN\"}")]
    [InlineData("{\"loss\": NaNa}", "{\"loss\": NaNa}")]
    [InlineData("{NaN: 1}", "{NaN: 1}")]
    [InlineData("{\"step\": 1}", "{\"step\": 1}")]
    public void Quote_Lines_QuotesOnlyBareValueWords(string line, string expected) =>
        Assert.Equal(expected, JsonNonFinite.Quote(line));

    [Fact]
    public void Quote_NoWord_ReturnsTheSameInstance()
    {
        const string line = "{\"step\": 1, \"loss\": 2.5}";
        Assert.Same(line, JsonNonFinite.Quote(line));
    }
}
