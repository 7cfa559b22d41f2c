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
    [InlineData("               epoch,      train/box_loss,      train/obj_loss\n                   0,            0.11241,           0.069713\n", ImportFormats.Csv)]
    [InlineData("loss,lr\n2.5,0.001\n2.25,0.001\n", ImportFormats.Csv)]
    [InlineData("{\"step\": 1, \"loss\": NaN}\n", ImportFormats.Jsonl)]
    [InlineData("2024-05-01 10:00:00,123 INFO [step=120/15000,epoch=0]\n    train/CrossEntropyLoss=2.998\n", ImportFormats.Kv)]
    [InlineData("using world size: 8\n [2024-05-01 10:00:00] iteration      120/  500000 | consumed samples:        30720 | lm loss: 3.217812E+00 |\n", ImportFormats.Megatron)]
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

    [Fact]
    public void Detect_MegatronLogWithTeStats_AmbiguousErrorNamesBoth()
    {
        const string text = " iteration      120/  500000 | lm loss: 3.217812E+00 | grad norm: 0.812 |\n" +
                            "model.layers.0.mlp.fc2_activation_underflows%        iteration=000120         value=4.3188\n";
        var error = Assert.Throws<InvalidDataException>(() => ImportSniffer.Detect(Encoding.UTF8.GetBytes(text), "train.log", complete: true));
        Assert.Equal("The format of 'train.log' is ambiguous: it could be megatron (0.95) or nvinspect (0.95); name the format to import it.", error.Message);
    }

    [Fact]
    public void Rank_NvInspectLog_SurestFirstWithTheLooserKvBehind()
    {
        var text = "model.layers.0.mlp.fc2_activation_underflows%        iteration=000002         value=4.3188\n"u8.ToArray();
        Assert.Equal(
            [new ImportCandidate(ImportFormats.NvInspect, 0.95), new ImportCandidate(ImportFormats.Kv, 0.5)],
            ImportSniffer.Rank(text, "stats.log", complete: true));
    }

    [Fact]
    public void Rank_EventsFileName_TfEventsOnly() =>
        Assert.Equal([new ImportCandidate(ImportFormats.TfEvents, 0.9)], ImportSniffer.Rank("x"u8, "events.out.tfevents.1.host", complete: true));
}
