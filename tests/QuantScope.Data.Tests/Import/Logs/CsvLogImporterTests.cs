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
    public void Read_NoStepColumn_Throws() =>
        Assert.Throws<InvalidDataException>(() => Read(CsvLogImporter.Read, "epoch,loss\n1,2\n"));
}
