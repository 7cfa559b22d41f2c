using QuantScope.Data.Import;
using static QuantScope.Data.Tests.Import.ImportTestFiles;

namespace QuantScope.Data.Tests.Import;

public sealed class ImportedSeriesTests
{
    [Fact]
    public void AddFrom_Prefix_PrefixesMetricsAndLabelsSkipsAndNotes()
    {
        var file = new ImportedSeries();
        file.AddScalar(5, "loss", 2.5);
        file.AddLayer(5, "amax", TensorRoles.Input, "model.layers.1.mlp.down_proj", 3.0);
        file.Skip("line 2", "not JSON");
        file.Note("the row number is the step");
        var into = new ImportedSeries();
        into.AddLayer(5, "amax", TensorRoles.Input, "model.layers.0.mlp.down_proj", 1.0);

        into.AddFrom(file, "validation/", "validation/metrics.jsonl");

        Assert.Equal([(5, "validation/loss", 2.5f)], ScalarTuples(into));
        Assert.Equal(["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"], into.Layers);
        var prefixed = LayerPoints(into).Single(p => p.Metric == "validation/amax");
        Assert.Equal([float.NaN, 3f], prefixed.Values);
        Assert.Equal(["validation/metrics.jsonl: line 2: not JSON"], into.Skipped);
        Assert.Equal(["validation/metrics.jsonl: the row number is the step"], into.Notes);
    }

    [Fact]
    public void Note_SameTextTwice_KeptOnce()
    {
        var series = new ImportedSeries();
        series.Note("a");
        series.Note("a");
        Assert.Equal(["a"], series.Notes);
    }
}
