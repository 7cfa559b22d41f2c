using QuantScope.Data.Import;
using QuantScope.Data.Import.Logs;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.Logs;

public sealed class CsvLogImporterTests
{
    [Fact]
    public void Read_ScalarColumns_OnePointPerCell()
    {
        var series = Read(CsvLogImporter.Read, "iteration,loss,lr\n1,2.5,0.001\n2,2.25,0.002\n");

        Assert.Equal([(1, "loss", 2.5f), (1, "lr", 0.001f), (2, "loss", 2.25f), (2, "lr", 0.002f)], ScalarTuples(series));
        Assert.Empty(series.Skipped);
        Assert.Empty(series.Layers);
    }

    [Fact]
    public void Read_BrokenRows_SkipsThemWithLineNumbersAndKeepsTheRest()
    {
        const string text = "step,loss,lr\n" +
                            "1,2.5,0.1\n" +
                            "2,2.4\n" +          // line 3: too few fields
                            "x,2.3,0.1\n" +      // line 4: bad step
                            "4,abc,0.2\n" +      // line 5: bad cell, the other cell stays
                            "5,,0.3\n" +         // line 6: empty cell = no value
                            "6,2.0,0.4";         // no final line break
        var series = Read(CsvLogImporter.Read, text);

        Assert.Equal(
            [(1, "loss", 2.5f), (1, "lr", 0.1f), (4, "lr", 0.2f), (5, "lr", 0.3f), (6, "loss", 2.0f), (6, "lr", 0.4f)],
            ScalarTuples(series));
        Assert.Equal(3, series.Skipped.Count);
        Assert.StartsWith("line 3: ", series.Skipped[0]);
        Assert.StartsWith("line 4: step 'x'", series.Skipped[1]);
        Assert.Equal("line 5: column 'loss': 'abc' is not a number", series.Skipped[2]);
    }

    [Fact]
    public void Read_LayerAndRoleColumns_GroupsValuesAcrossLayers()
    {
        const string text = "step,layer,role,amax,underflowFraction\n" +
                            "10,model.layers.0.mlp.down_proj,activation,4.5,0.25\n" +
                            "10,model.layers.1.mlp.down_proj,activation,6,0.5\n" +
                            "10,model.layers.1.mlp.down_proj,weight,0.75,\n" +
                            "20,model.layers.1.mlp.down_proj,activation,8,0.125\n";
        var series = Read(CsvLogImporter.Read, text);

        Assert.Equal(["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"], series.Layers);
        var points = LayerPoints(series);
        Assert.Equal(5, points.Length);
        Assert.Equal([4.5f, 6f], points.Single(p => p is { Step: 10, Metric: "amax", Role: TensorRoles.Input }).Values);
        Assert.Equal([float.NaN, 0.75f], points.Single(p => p is { Step: 10, Metric: "amax", Role: TensorRoles.Weight }).Values);
        Assert.Equal([0.25f, 0.5f], points.Single(p => p is { Step: 10, Metric: "underflowFraction" }).Values);
        Assert.Equal([float.NaN, 0.125f], points.Single(p => p is { Step: 20, Metric: "underflowFraction" }).Values);
        Assert.Equal([float.NaN, 8f], points.Single(p => p is { Step: 20, Metric: "amax" }).Values);
    }

    [Fact]
    public void Read_YoloResultsWithPaddedHeader_EpochIsTheStep()
    {
        // YOLOv5's results.csv: names and values right-aligned in 20 characters, epoch as the first column.
        const string text =
            "               epoch,      train/box_loss,      train/obj_loss,   metrics/precision,metrics/mAP_0.5:0.95,               x/lr0\n" +
            "                   0,            0.11241,           0.069713,          0.00078541,          0.00010284,             0.07025\n" +
            "                   1,            0.10521,           0.067414,           0.0012041,          0.00025178,            0.040186\n";
        var series = Read(CsvLogImporter.Read, text);

        var scalars = ScalarTuples(series);
        Assert.Equal(10, scalars.Length);
        Assert.Contains((0, "train/box_loss", 0.11241f), scalars);
        Assert.Contains((1, "metrics/mAP_0.5:0.95", 0.00025178f), scalars);
        Assert.Contains((1, "x/lr0", 0.040186f), scalars);
        Assert.DoesNotContain(scalars, p => p.Item2 == "epoch");
        Assert.Empty(series.Skipped);
        Assert.Empty(series.Notes);
    }

    [Fact]
    public void Read_KerasCsvLogger_EpochIsTheStep()
    {
        var series = Read(CsvLogImporter.Read, "epoch,accuracy,loss,val_accuracy,val_loss\n0,0.8573,0.4936,0.8821,0.3312\n1,0.9012,0.2871,0.8977,0.2950\n");

        Assert.Equal(
            [(0, "accuracy", 0.8573f), (0, "loss", 0.4936f), (0, "val_accuracy", 0.8821f), (0, "val_loss", 0.3312f),
             (1, "accuracy", 0.9012f), (1, "loss", 0.2871f), (1, "val_accuracy", 0.8977f), (1, "val_loss", 0.2950f)],
            ScalarTuples(series));
    }

    [Fact]
    public void Read_LightningMetricsWithEpochAndStep_StepWinsAndEpochStaysAMetric()
    {
        // Lightning's CSVLogger: one row per log call, empty cells for the metrics not logged by it.
        const string text = "epoch,step,train_loss,val_loss\n0,49,2.3104,\n0,99,2.0511,\n0,99,,2.1187\n";
        var series = Read(CsvLogImporter.Read, text);

        Assert.Equal(
            [(49, "epoch", 0f), (49, "train_loss", 2.3104f), (99, "epoch", 0f), (99, "train_loss", 2.0511f), (99, "val_loss", 2.1187f)],
            ScalarTuples(series));
    }

    [Fact]
    public void Read_NoStepColumn_RowNumberIsTheStepWithANote()
    {
        var series = Read(CsvLogImporter.Read, "loss,lr\n2.5,0.001\n2.25,0.001\nx,0.002\n");

        Assert.Equal([(1, "loss", 2.5f), (1, "lr", 0.001f), (2, "loss", 2.25f), (2, "lr", 0.001f), (3, "lr", 0.002f)], ScalarTuples(series));
        Assert.Contains("row number", Assert.Single(series.Notes));
        Assert.Equal(["line 4: column 'loss': 'x' is not a number"], series.Skipped);
    }

    [Fact]
    public void Read_StepColumnNamed_ThatColumnIsTheStepAndOthersStayMetrics()
    {
        var series = new ImportedSeries();
        using var stream = new MemoryStream("step,tokens,loss\n1,4096,2.5\n2,8192,2.25\n"u8.ToArray());
        CsvLogImporter.Read(stream, series, " Tokens ", CancellationToken.None);

        Assert.Equal([(4096, "loss", 2.5f), (4096, "step", 1f), (8192, "loss", 2.25f), (8192, "step", 2f)], ScalarTuples(series));
    }

    [Fact]
    public void Read_StepColumnMissing_ThrowsNamingItAndTheHeader()
    {
        using var stream = new MemoryStream("epoch,loss\n1,2\n"u8.ToArray());
        var error = Assert.Throws<InvalidDataException>(() => CsvLogImporter.Read(stream, new ImportedSeries(), "samples", CancellationToken.None));
        Assert.Equal("Step column 'samples' is not in the CSV header; it has: epoch, loss.", error.Message);
    }

    [Theory]
    [InlineData("step,loss\n1,2\n", 0.9)]
    [InlineData("               epoch,      train/box_loss\n                   0,            0.11241\n", 0.9)]
    [InlineData("loss;lr\n2.5;0.1\n2.4;0.1\n", 0.6)]
    [InlineData("loss,lr\n2.5,0.1\nepoch done\n", 0)]
    [InlineData("2024-05-01 10:00:00,123 INFO start\n2024-05-01 10:00:01,456 INFO step 1\n", 0)]
    [InlineData("hello\n", 0)]
    public void Confidence_FirstLines_ByShape(string text, double expected) =>
        Assert.Equal(expected, CsvLogImporter.Confidence(text.Split('\n')));
}
