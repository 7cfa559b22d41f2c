using System.Text;
using QuantScope.Engine.Data;

namespace QuantScope.Engine.Tests.Data;

public sealed class TextDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("quantscope-textdataset-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>100 lines of exactly 10 bytes ("line 00nn\n"): 1000 tokens, a line starts every 10 tokens.</summary>
    private static string HundredLines() => string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i:D4}\n"));

    [Fact]
    public void FromText_CutOnALineBoundary_SplitsAtTheExactFraction()
    {
        var data = TextDataset.FromText(HundredLines(), 0.1);
        Assert.Equal(900, data.Train.Length);
        Assert.Equal(100, data.HeldOut.Length);
        Assert.Equal("line 0090\n", Encoding.UTF8.GetString(data.HeldOut.Take(10).Select(t => (byte)t).ToArray()));
        Assert.Equal(new ByteTokenizer().Encode(HundredLines()), data.Train.Concat(data.HeldOut));
    }

    [Fact]
    public void FromText_FractionBetweenLines_MovesCutToNearestLineStart()
    {
        var data = TextDataset.FromText(HundredLines(), 0.123); // exact cut at 1000 - 123 = 877; nearest line start 880
        Assert.Equal(880, data.Train.Length);
        Assert.Equal(120, data.HeldOut.Length);
        Assert.Equal('\n', data.Train[^1]);
    }

    [Fact]
    public void FromText_NoNewlineNearTheCut_CutsAtTheExactFraction()
    {
        var text = new string('a', 500) + "\n" + new string('b', 499); // 1000 tokens, one newline far from the cut
        var data = TextDataset.FromText(text, 0.2);
        Assert.Equal(800, data.Train.Length);
        Assert.Equal(200, data.HeldOut.Length);
    }

    [Fact]
    public void Load_Utf8File_TokenizesBytesAndDropsTheByteOrderMark()
    {
        var path = Path.Combine(_dir, "text.txt");
        var text = "café au lait\n" + HundredLines();
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var data = TextDataset.Load(path);
        var expected = new ByteTokenizer().Encode(text); // é is 2 bytes; no BOM bytes
        Assert.Equal(1014, expected.Length);
        Assert.Equal(expected, data.Train.Concat(data.HeldOut));
        Assert.Equal(0x63, data.Train[0]);
        Assert.Equal(100, data.HeldOut.Length); // round(101.4) = 101 -> exact cut 913; lines start at 14 + 10k, nearest 914
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var path = Path.Combine(_dir, "nope.txt");
        var e = Assert.Throws<FileNotFoundException>(() => TextDataset.Load(path));
        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" \n\t\n", "empty")]
    [InlineData("too short\n", "too short: 10 bytes, at least 64")]
    public void Load_EmptyOrShortFile_ThrowsInvalidData(string content, string message)
    {
        var path = Path.Combine(_dir, "small.txt");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => TextDataset.Load(path));
        Assert.Contains(message, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void FromText_FractionOutsideOpenUnitInterval_Throws(double fraction) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TextDataset.FromText(HundredLines(), fraction));

    [Fact]
    public void FromText_TinyFraction_KeepsTwoHeldOutTokens()
    {
        var text = new string('x', 64);
        var data = TextDataset.FromText(text, 0.001);
        Assert.Equal(62, data.Train.Length);
        Assert.Equal(2, data.HeldOut.Length);
    }

    [Fact]
    public void FromText_HfTokenizer_EncodesOnceAndCutsAfterTheNewlineToken()
    {
        var tokenizer = HfTokenizer.FromTokenizerJson(HfTokenizerTests.TinyTokenizerJson(), "tokenizer.json");
        var text = string.Concat(Enumerable.Range(0, 100).Select(i => $"the {i:D4}\n")); // "the", "Ġ", 4 digits, "\n": 7 tokens a line
        var data = TextDataset.FromText(text, 0.123, tokenizer); // exact cut 700 - 86 = 614; nearest line start 616

        Assert.Equal(616, data.Train.Length);
        Assert.Equal(tokenizer.Encode(text), data.Train.Concat(data.HeldOut));
        Assert.Equal(257, data.HeldOut[0]); // "the" starts the held-out part
        Assert.True(tokenizer.EndsLine(data.Train[^1]));
    }

    [Fact]
    public void FromText_HfTokenizerTooFewTokens_NamesTokensAndTokenizer()
    {
        var tokenizer = HfTokenizer.FromTokenizerJson(HfTokenizerTests.TinyTokenizerJson(), "tokenizer.json");
        var e = Assert.Throws<InvalidDataException>(() => TextDataset.FromText(string.Concat(Enumerable.Repeat("the ", 40)), 0.1, tokenizer));
        Assert.Contains("tokens (tokenizer.json)", e.Message);
    }
}
