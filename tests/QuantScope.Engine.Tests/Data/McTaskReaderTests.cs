using QuantScope.Engine.Data;

namespace QuantScope.Engine.Tests.Data;

public sealed class McTaskReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("quantscope-mctask-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string GoodLine = """{"context": "2 + 2 =", "choices": [" 4", " 5", " 22"], "gold": 0}""";

    [Fact]
    public void Read_ValidFile_NamesTaskAfterFileAndSkipsBlankLines()
    {
        var path = Path.Combine(_dir, "my-arith.jsonl");
        File.WriteAllText(path, GoodLine + "\n\n" + """{"context": "Sky is", "choices": [" blue", " loud"], "gold": 1, "id": 7}""" + "\r\n");
        var task = McTaskReader.Read(path);
        Assert.Equal("my-arith", task.Name);
        Assert.Equal(2, task.Items.Count);
        Assert.Equal("2 + 2 =", task.Items[0].Context);
        Assert.Equal([" 4", " 5", " 22"], task.Items[0].Choices);
        Assert.Equal(0, task.Items[0].Gold);
        Assert.Equal([" blue", " loud"], task.Items[1].Choices);
        Assert.Equal(1, task.Items[1].Gold);
    }

    [Theory]
    [InlineData("""{"choices": [" a", " b"], "gold": 0}""", "field 'context'")]
    [InlineData("""{"context": "", "choices": [" a", " b"], "gold": 0}""", "field 'context'")]
    [InlineData("""{"context": 5, "choices": [" a", " b"], "gold": 0}""", "field 'context'")]
    [InlineData("""{"context": "c", "gold": 0}""", "field 'choices' is missing")]
    [InlineData("""{"context": "c", "choices": [" a"], "gold": 0}""", "field 'choices' has 1 choice(s), at least 2")]
    [InlineData("""{"context": "c", "choices": [" a", 3], "gold": 0}""", "field 'choices' item 1")]
    [InlineData("""{"context": "c", "choices": [" a", ""], "gold": 0}""", "field 'choices' item 1")]
    [InlineData("""{"context": "c", "choices": [" a", " b"]}""", "field 'gold' is missing")]
    [InlineData("""{"context": "c", "choices": [" a", " b"], "gold": "0"}""", "field 'gold' is missing or not an integer")]
    [InlineData("""{"context": "c", "choices": [" a", " b"], "gold": 1.5}""", "field 'gold' is missing or not an integer")]
    [InlineData("""{"context": "c", "choices": [" a", " b"], "gold": 2}""", "field 'gold' is 2, out of range 0..1")]
    [InlineData("""{"context": "c", "choices": [" a", " b"], "gold": -1}""", "field 'gold' is -1, out of range 0..1")]
    [InlineData("""{"context": "c", "choices": [" a", " b"], "gold": 0""", "invalid JSON")]
    [InlineData("""[1, 2]""", "expected a JSON object")]
    public void Read_BadThirdLine_ThrowsFormatNamingLineAndField(string badLine, string expected)
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, GoodLine + "\n\n" + badLine + "\n" + GoodLine + "\n");
        var e = Assert.Throws<FormatException>(() => McTaskReader.Read(path));
        Assert.StartsWith("bad.jsonl line 3: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parse_OnlyBlankLines_ThrowsInvalidData()
    {
        var e = Assert.Throws<InvalidDataException>(() => McTaskReader.Parse("t", "\n  \n", "t.jsonl"));
        Assert.Contains("t.jsonl has no items", e.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        var path = Path.Combine(_dir, "missing.jsonl");
        var e = Assert.Throws<FileNotFoundException>(() => McTaskReader.Read(path));
        Assert.Equal(path, e.FileName);
    }
}
