using QuantScope.Engine.Data;

namespace QuantScope.Engine.Tests.Data;

public class TokenIdsTests
{
    [Fact]
    public void RequireBelow_AllIdsInRange_DoesNotThrow() => TokenIds.RequireBelow([0, 5, 255], 256, "text", "byte-level");

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    public void RequireBelow_IdOutsideVocab_ThrowsNamingIdVocabAndSource(int id)
    {
        var e = Assert.Throws<InvalidDataException>(() => TokenIds.RequireBelow([1, id], 256, "Text file a.txt", "tokenizer.json"));
        Assert.Contains($"token id {id}", e.Message);
        Assert.Contains("vocabulary of 256", e.Message);
        Assert.Contains("Text file a.txt", e.Message);
    }

    [Fact]
    public void EndsLine_ByteTokenizer_OnlyNewline()
    {
        ITextTokenizer bytes = new ByteTokenizer();
        Assert.True(bytes.EndsLine('\n'));
        Assert.False(bytes.EndsLine('\r'));
        Assert.Equal(256, bytes.VocabSize);
    }
}
