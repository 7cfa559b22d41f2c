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

    [Fact]
    public void Read_BareNaNAndInfinityOfPythonJson_StoredNonFinite()
    {
        // What json.dumps writes by default (allow_nan=True) for float("nan") and float("inf").
        const string text = """
            {"step": 120, "loss": 3.2178, "grad_norm": 0.812}
            {"step": 121, "loss": NaN, "grad_norm": Infinity, "amax": -Infinity, "note": "NaN, Infinity"}
            """;
        var series = Read(JsonlLogImporter.Read, text);

        var scalars = ScalarTuples(series);
        Assert.Equal([(120, "grad_norm", 0.812f), (120, "loss", 3.2178f)], scalars[..2]);
        Assert.Equal((121, "amax", float.NegativeInfinity), scalars[2]);
        Assert.Equal((121, "grad_norm", float.PositiveInfinity), scalars[3]);
        Assert.Equal((121, "loss"), (scalars[4].Item1, scalars[4].Item2));
        Assert.True(float.IsNaN(scalars[4].Item3));
        Assert.Equal(5, scalars.Length);
        Assert.Empty(series.Skipped);
    }

    [Fact]
    public void Read_WandbExport_TrainerGlobalStepBeatsUnderscoreStep()
    {
        const string text = """
            {"_step": 0, "_runtime": 12.4, "trainer/global_step": 49, "train/loss": 2.31, "epoch": 0}
            {"_step": 1, "_runtime": 24.9, "trainer/global_step": 99, "train/loss": 2.05, "epoch": 0}
            """;
        var series = Read(JsonlLogImporter.Read, text);

        var scalars = ScalarTuples(series);
        Assert.Contains((49, "train/loss", 2.31f), scalars);
        Assert.Contains((99, "_step", 1f), scalars);
        Assert.Contains((99, "epoch", 0f), scalars);
        Assert.DoesNotContain(scalars, p => p.Item2 == "trainer/global_step");
    }

    [Fact]
    public void Read_NoStepProperty_LineNumberIsTheStepWithANote()
    {
        const string text = """
            {"loss": 2.5, "lr": 0.001}

            {"loss": 2.25, "lr": 0.001}
            not json
            {"loss": 2.0}
            """;
        var series = Read(JsonlLogImporter.Read, text);

        Assert.Equal([(1, "loss", 2.5f), (1, "lr", 0.001f), (2, "loss", 2.25f), (2, "lr", 0.001f), (4, "loss", 2.0f)], ScalarTuples(series));
        Assert.Contains("the step", Assert.Single(series.Notes));
        Assert.StartsWith("line 4: not JSON", Assert.Single(series.Skipped));
    }

    [Fact]
    public void Read_StepPropertyNamed_LinesWithoutItAreSkipped()
    {
        const string text = """
            {"step": 1, "samples": 256, "loss": 2.5}
            {"step": 2, "loss": 2.4}
            """;
        var series = new ImportedSeries();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        JsonlLogImporter.Read(stream, series, "samples", CancellationToken.None);

        Assert.Equal([(256, "loss", 2.5f), (256, "step", 1f)], ScalarTuples(series));
        Assert.Equal(["line 2: no step property 'samples'"], series.Skipped);
    }

    [Theory]
    [InlineData("{\"step\": 1, \"loss\": NaN}\n", 0.9)]
    [InlineData("{\"step\": 1, \"loss\": 2.5\n", 0.6)]
    [InlineData("\n\n{\"loss\": 2.5}\n", 0.9)]
    [InlineData("step,loss\n", 0)]
    public void Confidence_FirstLine_ByShape(string text, double expected) =>
        Assert.Equal(expected, JsonlLogImporter.Confidence(text.Split('\n')));
}
