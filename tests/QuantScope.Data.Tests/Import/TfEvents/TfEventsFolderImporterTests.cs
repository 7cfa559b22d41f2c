using QuantScope.Data.Import;
using QuantScope.Data.Import.TfEvents;
using QuantScope.Tests.Shared;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.TfEvents;

public sealed class TfEventsFolderImporterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "quantscope-tfevents-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Read_RunFolderWithValidationSubfolder_OneSeriesWithPrefixes()
    {
        // TensorBoard's layout: runs/exp1/events... (train scalars) and runs/exp1/validation/events...
        Write("runs/exp1/events.out.tfevents.1714557600.node01.4242.0", new TfEventsTestWriter().FileVersion()
            .Scalars(100, ("loss", 2.5f), ("lr", 3e-4f)).Scalars(200, ("loss", 2.25f)));
        Write("runs/exp1/validation/events.out.tfevents.1714557601.node01.4242.1", new TfEventsTestWriter().FileVersion()
            .Scalars(200, ("loss", 2.4f)));
        File.WriteAllText(Path.Combine(_folder, "runs/exp1/hparams.yaml"), "lr: 3e-4\n");

        var series = new ImportedSeries();
        TfEventsFolderImporter.Read(Path.Combine(_folder, "runs"), series, CancellationToken.None);

        Assert.Equal([(100, "loss", 2.5f), (100, "lr", 3e-4f), (200, "loss", 2.25f), (200, "validation/loss", 2.4f)], ScalarTuples(series));
        Assert.Equal(["left out 1 files that are not TensorBoard event files"], series.Notes);
    }

    [Fact]
    public void Read_KerasTrainAndValidationFolders_BothPrefixed()
    {
        var files = new (string, Func<Stream>)[]
        {
            ("logs/train/events.out.tfevents.1714557600.host.v2", Open(new TfEventsTestWriter().Scalars(0, ("epoch_loss", 0.49f)))),
            ("logs\\validation\\events.out.tfevents.1714557601.host.v2", Open(new TfEventsTestWriter().Scalars(0, ("epoch_loss", 0.33f)))),
        };
        var series = new ImportedSeries();
        TfEventsFolderImporter.Read(files, series, CancellationToken.None);

        Assert.Equal([(0, "train/epoch_loss", 0.49f), (0, "validation/epoch_loss", 0.33f)], ScalarTuples(series));
        Assert.Empty(series.Notes);
    }

    [Fact]
    public void Read_CorruptRecordInASubfolder_SkippedEntryNamesTheFile()
    {
        var writer = new TfEventsTestWriter().Scalars(1, ("loss", 2.5f)).Append(TfEventsTestWriter.ScalarEvent(2, "loss", 2f), corruptData: true);
        var files = new (string, Func<Stream>)[]
        {
            ("run/events.out.tfevents.1.a", Open(new TfEventsTestWriter().Scalars(1, ("acc", 0.5f)))),
            ("run/eval/events.out.tfevents.2.a", Open(writer)),
        };
        var series = new ImportedSeries();
        TfEventsFolderImporter.Read(files, series, CancellationToken.None);

        Assert.Equal([(1, "acc", 0.5f), (1, "eval/loss", 2.5f)], ScalarTuples(series));
        Assert.StartsWith("eval/events.out.tfevents.2.a: record at offset ", Assert.Single(series.Skipped));
    }

    [Fact]
    public void Read_PathsWithDotDot_AreOnlyLabels()
    {
        var files = new (string, Func<Stream>)[]
        {
            ("../../etc/events.out.tfevents.1.a", Open(new TfEventsTestWriter().Scalars(1, ("loss", 1f)))),
            ("../x/events.out.tfevents.1.b", Open(new TfEventsTestWriter().Scalars(1, ("loss", 2f)))),
        };
        var series = new ImportedSeries();
        TfEventsFolderImporter.Read(files, series, CancellationToken.None);

        Assert.Equal([(1, "etc/loss", 1f), (1, "x/loss", 2f)], ScalarTuples(series));
    }

    [Fact]
    public void Read_NoEventFiles_ThrowsInvalidData()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "train.log"), "step=1 loss=2\n");
        var error = Assert.Throws<InvalidDataException>(() => TfEventsFolderImporter.Read(_folder, new ImportedSeries(), CancellationToken.None));
        Assert.Contains("No TensorBoard event files", error.Message);
    }

    private void Write(string relativePath, TfEventsTestWriter writer)
    {
        var path = Path.Combine(_folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, writer.ToArray());
    }

    private static Func<Stream> Open(TfEventsTestWriter writer)
    {
        var bytes = writer.ToArray();
        return () => new MemoryStream(bytes, writable: false);
    }
}
