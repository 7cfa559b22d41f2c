using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Ingest;

/// <summary>
/// Turns validated columnar points into the engine's <see cref="MetricBatch"/> shape: scalars as they are, layer
/// points gathered per (step, metric, role) into one array over the run's layer list, NaN for layers the batch did
/// not name (the store merges, so NaN never erases what an earlier batch measured).
/// </summary>
internal static class MetricBatchBuilder
{
    /// <summary>Builds the batch; every layer of <paramref name="points"/> must already be in <paramref name="state"/>.</summary>
    public static MetricBatch Build(Guid runId, IReadOnlyList<IngestPoint> points, ExternalRunState state)
    {
        var scalars = new List<ScalarPoint>();
        var layerPoints = new List<LayerPoint>();
        var rows = new Dictionary<(int Step, string Metric, string Role), float[]>();
        foreach (var p in points)
        {
            if (p.Layer is null)
            {
                scalars.Add(new ScalarPoint(p.Step, p.Name, p.Value));
                continue;
            }
            var role = p.Role ?? TensorRoles.Input;
            if (!rows.TryGetValue((p.Step, p.Name, role), out var values))
            {
                values = new float[state.Layers.Count];
                Array.Fill(values, float.NaN);
                rows[(p.Step, p.Name, role)] = values;
                layerPoints.Add(new LayerPoint(p.Step, p.Name, role, values));
            }
            values[state.Index[p.Layer]] = p.Value; // the same layer twice in one batch: the later value wins
        }
        return new MetricBatch(runId, scalars, layerPoints);
    }
}
