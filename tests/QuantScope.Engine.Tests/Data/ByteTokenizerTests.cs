using QuantScope.Engine.Data;

namespace QuantScope.Engine.Tests.Data;

public class ByteTokenizerTests
{
    [Fact]
    public void Encode_AsciiAndUtf8_GivesBytesAndRoundTrips()
    {
        var tokenizer = new ByteTokenizer();
        Assert.Equal([65, 32, 98], tokenizer.Encode("A b"));
        Assert.Equal([0xC3, 0xA9], tokenizer.Encode("é"));
        Assert.Equal("Zaiton é 3 + 4 = 7", tokenizer.Decode(tokenizer.Encode("Zaiton é 3 + 4 = 7")));
    }

    [Fact]
    public void Decode_TokenOutsideByteRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ByteTokenizer().Decode([65, 256]));
}
