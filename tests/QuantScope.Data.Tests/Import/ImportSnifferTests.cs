using System.Text;
using QuantScope.Data.Import;
using QuantScope.Tests.Shared;

namespace QuantScope.Data.Tests.Import;

public sealed class ImportSnifferTests
{
    [Theory]
    [InlineData("step,loss\n1,2\n", ImportFormats.Csv)]
    [InlineData("\"iteration\";\"loss\"\n1;2\n", ImportFormats.Csv)]
    [InlineData("{\"step\": 1, \"loss\": 2}\n", ImportFormats.Jsonl)]
    [InlineData("INFO start\nmodel.layers.0.mlp.fc2_activation_underflows% iteration=000002 value=4.3188\n", ImportFormats.NvInspect)]
    [InlineData("starting\nstep=1/10 | loss=2.5\n", ImportFormats.Kv)]
    [InlineData("hello world\nno metrics here\n", null)]
    [InlineData("", null)]
    public void Detect_Text_Format(string text, string? expected) =>
        Assert.Equal(expected, ImportSniffer.Detect(Encoding.UTF8.GetBytes(text), "log.txt", complete: true));

    [Fact]
    public void Detect_TfRecordHeader_TfEvents()
    {
        var bytes = new TfEventsTestWriter().FileVersion().ToArray();
        Assert.Equal(ImportFormats.TfEvents, ImportSniffer.Detect(bytes, "whatever.bin", complete: true));
    }

    [Fact]
    public void Detect_Stream_RestoresPosition()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("step,loss\n1,2\n"));
        Assert.Equal(ImportFormats.Csv, ImportSniffer.Detect(stream, null));
        Assert.Equal(0, stream.Position);
    }
}
