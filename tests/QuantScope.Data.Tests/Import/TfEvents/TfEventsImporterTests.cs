using System.Text;
using QuantScope.Data.Import;
using QuantScope.Data.Import.TfEvents;
using QuantScope.Tests.Shared;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.TfEvents;

public sealed class TfEventsImporterTests
{
    [Fact]
    public void Crc32C_CheckValue_MatchesCastagnoli() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Read_ValidFile_SimpleValuesAndScalarTensors()
    {
        var file = new TfEventsTestWriter()
            .FileVersion()
            .Scalars(1, ("train/loss", 2.5f), ("train/lr", 0.001f))
            .FloatTensor(2, "train/loss", 2.25f)
            .DoubleContentTensor(2, "eval/acc", 0.75)
            .ToArray();
        var series = Read(TfEventsImporter.Read, file);

        Assert.Equal([(1, "train/loss", 2.5f), (1, "train/lr", 0.001f), (2, "eval/acc", 0.75f), (2, "train/loss", 2.25f)], ScalarTuples(series));
        Assert.Empty(series.Skipped);
    }

    [Fact]
    public void Read_BadCrcInTheMiddleAndTruncatedEnd_ImportsTheValidRecordsAndReportsOffsets()
    {
        var writer = new TfEventsTestWriter()
            .FileVersion()
            .Scalars(1, ("loss", 2.5f))
            .Append(TfEventsTestWriter.ScalarEvent(2, "loss", 2.25f), corruptData: true)
            .Scalars(3, ("loss", 2.0f))
            .Scalars(4, ("loss", 1.75f));
        var full = writer.ToArray();
        var file = full[..^7]; // the last record loses its footer and part of its data
        var series = Read(TfEventsImporter.Read, file);

        Assert.Equal([(1, "loss", 2.5f), (3, "loss", 2.0f)], ScalarTuples(series));
        var lastLength = full.Length - writer.Offsets[4] - 16;
        Assert.Equal(
            [
                $"record at offset {writer.Offsets[2]}: bad data CRC",
                $"record at offset {writer.Offsets[4]}: truncated record (length {lastLength}, {lastLength + 4 - 7} bytes left)",
            ],
            series.Skipped);
    }

    [Fact]
    public void Read_BadLengthCrc_ResyncsAtTheNextRecord()
    {
        var writer = new TfEventsTestWriter()
            .Scalars(1, ("loss", 2.5f))
            .Append(TfEventsTestWriter.ScalarEvent(2, "loss", 2.25f), corruptLength: true)
            .Scalars(3, ("loss", 2.0f));
        var series = Read(TfEventsImporter.Read, writer.ToArray());

        Assert.Equal([(1, "loss", 2.5f), (3, "loss", 2.0f)], ScalarTuples(series));
        Assert.Equal([$"record at offset {writer.Offsets[1]}: bad length CRC"], series.Skipped);
    }

    [Fact]
    public void Read_GarbageRecord_SkippedAsNotAnEvent()
    {
        var writer = new TfEventsTestWriter()
            .Append([0xFF, 0xFF, 0xFF])
            .Scalars(5, ("loss", 1.5f));
        var series = Read(TfEventsImporter.Read, writer.ToArray());

        Assert.Equal([(5, "loss", 1.5f)], ScalarTuples(series));
        Assert.StartsWith("record at offset 0: not an Event protobuf", Assert.Single(series.Skipped));
    }
}
