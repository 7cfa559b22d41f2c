using QuantScope.Data.Import;
using QuantScope.Data.Import.Logs;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import.Logs;

public sealed class JsonlLogImporterTests
{
    [Fact]
    public void Read_ObjectsPerLine_ScalarsNestedAndNaN()
    {
        const string text = """
            {"step": 1, "loss": 2.5, "mode": "train", "eval": {"acc": 0.5}}
            {"global_step": 2, "loss": "NaN"}

            {"step": 3, "loss": 1.75
            [1, 2]
            {"loss": 1.5}
            {"step": 4, "loss": 1.25}
            """;
        var series = Read(JsonlLogImporter.Read, text);

        var scalars = ScalarTuples(series);
        Assert.Equal([(1, "eval.acc", 0.5f), (1, "loss", 2.5f)], scalars[..2]);
        Assert.Equal((2, "loss"), (scalars[2].Item1, scalars[2].Item2));
        Assert.True(float.IsNaN(scalars[2].Item3));
        Assert.Equal((4, "loss", 1.25f), scalars[3]);
        Assert.Equal(4, scalars.Length);
        Assert.Equal(3, series.Skipped.Count);
        Assert.StartsWith("line 4: not JSON", series.Skipped[0]);
        Assert.Equal("line 5: not a JSON object", series.Skipped[1]);
        Assert.Equal("line 6: no step property", series.Skipped[2]);
    }

    [Fact]
    public void Read_LayerAndRole_PerLayerPoints()
    {
        const string text = """
            {"step": 5, "layer": "model.layers.0.mlp.up_proj", "role": "gradient", "mse": 0.5}
            {"step": 5, "layer": "model.layers.1.mlp.up_proj", "role": "gradient", "mse": 0.25}
            """;
        var series = Read(JsonlLogImporter.Read, text);

        var point = Assert.Single(LayerPoints(series));
        Assert.Equal((5, "mse", TensorRoles.GradOutput), (point.Step, point.Metric, point.Role));
        Assert.Equal([0.5f, 0.25f], point.Values);
    }
}
