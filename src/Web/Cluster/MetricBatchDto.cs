using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Cluster;

/// <summary>
/// A <see cref="MetricBatch"/> on the wire from a worker to the dashboard, columnar (one array per field) and tagged
/// with the attempt that produced it, so the dashboard can drop late batches of an attempt it has replaced.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MetricBatchDto(
    [property: Id(0)] Guid RunId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] int[] ScalarSteps,
    [property: Id(3)] string[] ScalarMetrics,
    [property: Id(4)] float[] ScalarValues,
    [property: Id(5)] int[] LayerSteps,
    [property: Id(6)] string[] LayerMetrics,
    [property: Id(7)] string[] LayerRoles,
    [property: Id(8)] float[][] LayerValues)
{
    /// <summary>Packs <paramref name="batch"/> for the wire.</summary>
    public static MetricBatchDto From(MetricBatch batch, int attempt) => new(
        batch.RunId,
        attempt,
        batch.Scalars.Select(s => s.Step).ToArray(),
        batch.Scalars.Select(s => s.Metric).ToArray(),
        batch.Scalars.Select(s => s.Value).ToArray(),
        batch.LayerPoints.Select(p => p.Step).ToArray(),
        batch.LayerPoints.Select(p => p.Metric).ToArray(),
        batch.LayerPoints.Select(p => p.Role).ToArray(),
        batch.LayerPoints.Select(p => p.Values).ToArray());

    /// <summary>The batch again; throws <see cref="ArgumentException"/> naming the field when the columns differ in length.</summary>
    public MetricBatch ToBatch()
    {
        if (ScalarMetrics.Length != ScalarSteps.Length || ScalarValues.Length != ScalarSteps.Length)
            throw new ArgumentException("scalar columns (steps, metrics, values) differ in length", nameof(ScalarSteps));
        if (LayerMetrics.Length != LayerSteps.Length || LayerRoles.Length != LayerSteps.Length || LayerValues.Length != LayerSteps.Length)
            throw new ArgumentException("layer columns (steps, metrics, roles, values) differ in length", nameof(LayerSteps));
        var scalars = new ScalarPoint[ScalarSteps.Length];
        for (var i = 0; i < scalars.Length; i++) scalars[i] = new ScalarPoint(ScalarSteps[i], ScalarMetrics[i], ScalarValues[i]);
        var layers = new LayerPoint[LayerSteps.Length];
        for (var i = 0; i < layers.Length; i++) layers[i] = new LayerPoint(LayerSteps[i], LayerMetrics[i], LayerRoles[i], LayerValues[i]);
        return new MetricBatch(RunId, scalars, layers);
    }
}
