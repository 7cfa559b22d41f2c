using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>Turns a window of host rows (see <see cref="StatsWindow"/>) into a <see cref="MetricBatch"/>, stopping at the first non-finite step.</summary>
internal static class MetricBatchFactory
{
    /// <summary>What a divergence of the twin names as its layer.</summary>
    public const string BaselineName = "baseline twin";

    /// <summary>
    /// Builds the batch for <paramref name="records"/> (row i belongs to records[i]). Steps from the first diverged one on
    /// are left out (telemetry carries only finite values) and that divergence is returned in <paramref name="diverged"/>.
    /// Only <paramref name="roles"/> are emitted (grad only when some layer quantizes it: its row is 0 otherwise).
    /// </summary>
    public static MetricBatch Build(Guid runId, IReadOnlyList<string> layers, IReadOnlyList<string> roles, bool quantized, bool baseline,
        IReadOnlyList<StepRecord> records, float[][] rows, out TrainingDivergedException? diverged)
    {
        diverged = null;
        var scalars = new List<ScalarPoint>();
        var points = new List<LayerPoint>();
        var metrics = quantized ? LayerStatsLayout.Metrics : [MetricNames.Amax];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var row = rows[i];
            diverged = FindDivergence(record.Step, layers, row, baseline);
            if (diverged is not null) break;

            scalars.Add(new ScalarPoint(record.Step, MetricNames.Loss, row[StatsWindow.LossColumn]));
            if (baseline)
            {
                var twin = row[StatsWindow.BaselineLossColumn];
                scalars.Add(new ScalarPoint(record.Step, MetricNames.BaselineLoss, twin));
                scalars.Add(new ScalarPoint(record.Step, MetricNames.LossApe, (float)LossApe.At(row[StatsWindow.LossColumn], twin)));
            }

            scalars.Add(new ScalarPoint(record.Step, MetricNames.LearningRate, (float)record.LearningRate));
            scalars.Add(new ScalarPoint(record.Step, MetricNames.StepMillis, (float)record.Millis));
            scalars.Add(new ScalarPoint(record.Step, MetricNames.Tokens, record.Tokens));
            foreach (var role in roles)
            {
                foreach (var metric in metrics)
                {
                    var values = new float[layers.Count];
                    for (var l = 0; l < layers.Count; l++) values[l] = row[StatsWindow.Column(l, role, metric)];
                    points.Add(new LayerPoint(record.Step, metric, role, values));
                }
            }
        }

        return new MetricBatch(runId, scalars, points);
    }

    /// <summary>
    /// Null when the row is finite. Otherwise the first layer (forward order) with a non-finite amax, input before weight
    /// before grad: a NaN weight shows at its own layer, a NaN born between layers (attention, norm) shows as the
    /// next layer's input, a gradient that overflows in the backward pass shows as that layer's grad.
    /// </summary>
    private static TrainingDivergedException? FindDivergence(int step, IReadOnlyList<string> layers, float[] row, bool baseline)
    {
        for (var l = 0; l < layers.Count; l++)
        {
            foreach (var role in LayerStatsLayout.Roles)
            {
                if (!float.IsFinite(row[StatsWindow.Column(l, role, MetricNames.Amax)]))
                    return new TrainingDivergedException(step, layers[l], role);
            }
        }

        if (baseline && !float.IsFinite(row[StatsWindow.BaselineLossColumn])) return new TrainingDivergedException(step, BaselineName, null);
        return float.IsFinite(row[StatsWindow.LossColumn]) ? null : new TrainingDivergedException(step, null, null);
    }
}
