using QuantScope.Web.Analysis;

namespace QuantScope.Web.Tests.Analysis;

public sealed class DiagnosisInputLoaderTests
{
    // Every per-step scalar a detector reads (SaturationImpact weighs clipping by the loss APE against the twin; the
    // forgetting and divergence detectors read the losses and the evaluations).
    private static readonly string[] DetectorScalars =
    [
        MetricCatalog.Loss, MetricCatalog.BaselineLoss, MetricCatalog.LossApe, MetricCatalog.HeldOutLoss,
        MetricCatalog.BaselineHeldOutLoss, MetricCatalog.ProbeAccuracy, MetricCatalog.BaselineProbeAccuracy,
    ];

    [Fact]
    public async Task Load_StoredRun_HasEveryScalarTheDetectorsRead()
    {
        await using var data = await TempQuantScopeData.CreateAsync();
        var id = await data.CreateRunAsync("model.layers.0.mlp.down_proj");
        await data.Writer.WriteAsync(
            [new MetricBatch(id, [.. DetectorScalars.SelectMany(m => new[] { new ScalarPoint(0, m, 0.5f), new ScalarPoint(1, m, 0.25f) })], [])],
            CancellationToken.None);

        var input = (await new DiagnosisInputLoader(data.Runs, data.Series).LoadAsync(id, CancellationToken.None))!;

        foreach (var metric in DetectorScalars)
        {
            var series = input.Scalar(metric);
            Assert.True(series is not null, $"{metric} was not loaded");
            Assert.Equal([0, 1], series.Steps);
            Assert.Equal([0.5f, 0.25f], series.Values);
        }
    }
}
