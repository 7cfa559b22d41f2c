using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Series;

/// <summary>
/// Rejects malformed batches before a transaction opens, so a bad point never half-writes a flush.
/// Values are not checked: NaN and ±Infinity are data (a NaN saturation means something).
/// </summary>
internal static class MetricBatchValidator
{
    public static void Validate(IReadOnlyList<MetricBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b] ?? throw new ArgumentException($"Batch {b} is null.", nameof(batches));
            if (batch.Scalars is null || batch.LayerPoints is null)
                throw new ArgumentException($"Batch {b} (run {batch.RunId}) has a null point list.", nameof(batches));
            foreach (var s in batch.Scalars)
            {
                if (s is null) throw Bad(b, batch, "a null scalar point");
                CheckStepAndMetric(b, batch, s.Step, s.Metric);
            }
            foreach (var p in batch.LayerPoints)
            {
                if (p is null) throw Bad(b, batch, "a null layer point");
                CheckStepAndMetric(b, batch, p.Step, p.Metric);
                if (p.Role is null) throw Bad(b, batch, $"a layer point of '{p.Metric}' at step {p.Step} without a role");
                if (p.Values is null) throw Bad(b, batch, $"a layer point of '{p.Metric}'/{p.Role} at step {p.Step} without values");
            }
        }
    }

    private static void CheckStepAndMetric(int b, MetricBatch batch, int step, string metric)
    {
        if (step < 0) throw Bad(b, batch, $"a negative step ({step})");
        if (string.IsNullOrWhiteSpace(metric)) throw Bad(b, batch, $"a point without a metric name at step {step}");
    }

    private static ArgumentException Bad(int b, MetricBatch batch, string what) =>
        new($"Batch {b} (run {batch.RunId}) has {what}.", "batches");
}
