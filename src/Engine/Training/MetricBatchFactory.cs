using QuantScope.Engine.Quantization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>
/// Turns a window of host rows (see <see cref="StatsWindow"/>) into a <see cref="MetricBatch"/>, stopping at the first
/// non-finite step. A (metric, role) is emitted for a step only when some layer measured it (non-NaN); the saturation
/// event, its trailing rate and amax/amaxPred are derived here on the host, where the history of events lives.
/// </summary>
internal sealed class MetricBatchFactory(
    IReadOnlyList<string> layers, IReadOnlyList<bool> gradLayers, int qatStart, bool baseline, StatsWindow window, IReadOnlyList<string> whatIfFormats)
{
    /// <summary>What a divergence of the twin names as its layer.</summary>
    public const string BaselineName = "baseline twin";

    /// <summary>Logged steps the saturation rate averages over.</summary>
    public const int SaturationWindow = 16;

    private readonly Dictionary<string, Queue<float[]>> _events = new();

    /// <summary>Writes the saturation-event history (the trailing rate's window) for a resume checkpoint.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(_events.Count);
        foreach (var (role, history) in _events.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.Write(role);
            writer.Write(history.Count);
            foreach (var events in history) ResumeFormat.WriteFloats(writer, events);
        }
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote.</summary>
    public void ReadState(BinaryReader reader)
    {
        _events.Clear();
        var roles = ResumeFormat.ReadCount(reader, "saturation history");
        for (var r = 0; r < roles; r++)
        {
            var role = reader.ReadString();
            var history = _events[role] = new Queue<float[]>();
            var count = ResumeFormat.ReadCount(reader, "saturation history");
            for (var i = 0; i < count; i++) history.Enqueue(ResumeFormat.ReadFloats(reader));
        }
    }

    /// <summary>
    /// Builds the batch for <paramref name="records"/> (row i belongs to records[i]). Steps from the first diverged one on
    /// are left out (telemetry carries only finite values) and that divergence is returned in <paramref name="diverged"/>.
    /// </summary>
    public MetricBatch Build(Guid runId, IReadOnlyList<StepRecord> records, float[][] rows, out TrainingDivergedException? diverged)
    {
        diverged = null;
        var scalars = new List<ScalarPoint>();
        var points = new List<LayerPoint>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var row = rows[i];
            diverged = FindDivergence(record.Step, row);
            if (diverged is not null) break;

            scalars.Add(new ScalarPoint(record.Step, MetricCatalog.Loss, row[StatsWindow.LossColumn]));
            if (baseline)
            {
                var twin = row[StatsWindow.BaselineLossColumn];
                scalars.Add(new ScalarPoint(record.Step, MetricCatalog.BaselineLoss, twin));
                scalars.Add(new ScalarPoint(record.Step, MetricCatalog.LossApe, (float)LossApe.At(row[StatsWindow.LossColumn], twin)));
            }

            scalars.Add(new ScalarPoint(record.Step, MetricCatalog.LearningRate, (float)record.LearningRate));
            scalars.Add(new ScalarPoint(record.Step, MetricCatalog.StepMillis, (float)record.Millis));
            scalars.Add(new ScalarPoint(record.Step, MetricCatalog.Tokens, record.Tokens));
            foreach (var role in LayerStatsLayout.Roles)
            {
                foreach (var metric in LayerStatsLayout.Metrics) Add(points, record.Step, metric, role, Column(row, role, metric));
                AddSaturation(points, record.Step, role, Column(row, role, MetricCatalog.Amax), Column(row, role, MetricCatalog.AmaxPred));
            }

            AddOutliers(scalars, record.Step, row);
            AddWhatIf(points, record.Step, row);
        }

        return new MetricBatch(runId, scalars, points);
    }

    private float[] Column(float[] row, string role, string metric)
    {
        var values = new float[layers.Count];
        for (var l = 0; l < layers.Count; l++) values[l] = row[StatsWindow.Column(l, role, metric)];
        return values;
    }

    private static void Add(List<LayerPoint> points, int step, string metric, string role, float[] values)
    {
        if (values.Any(v => !float.IsNaN(v))) points.Add(new LayerPoint(step, metric, role, values));
    }

    private void AddSaturation(List<LayerPoint> points, int step, string role, float[] amax, float[] pred)
    {
        var events = new float[amax.Length];
        var ratio = new float[amax.Length];
        for (var l = 0; l < amax.Length; l++)
        {
            var measured = float.IsFinite(amax[l]) && float.IsFinite(pred[l]) && pred[l] > 0;
            events[l] = measured ? (amax[l] > pred[l] ? 1f : 0f) : float.NaN;
            ratio[l] = measured ? amax[l] / pred[l] : float.NaN;
        }

        if (events.All(float.IsNaN)) return;
        if (!_events.TryGetValue(role, out var history)) _events[role] = history = new Queue<float[]>();
        history.Enqueue(events);
        if (history.Count > SaturationWindow) history.Dequeue();
        var rate = new float[amax.Length];
        for (var l = 0; l < amax.Length; l++)
        {
            var seen = history.Select(e => e[l]).Where(v => !float.IsNaN(v)).ToArray();
            rate[l] = seen.Length == 0 ? float.NaN : seen.Average();
        }

        points.Add(new LayerPoint(step, MetricCatalog.SaturationEvent, role, events));
        points.Add(new LayerPoint(step, MetricCatalog.SaturationRate, role, rate));
        points.Add(new LayerPoint(step, MetricCatalog.AmaxRatio, role, ratio));
    }

    // A configured what-if E5M2/E4M3 of quantized gradients and the watched high-precision gradients' own
    // (GradWhatIfStats) share a name on the grad row: one point per step, each layer's measured value kept.
    private static bool MergeIntoGradWhatIf(List<LayerPoint> points, int step, string metric, string role, float[] values)
    {
        if (role != TensorRoles.GradOutput || !LayerStatsLayout.Metrics.Contains(metric)) return false;
        var index = points.FindLastIndex(p => p.Step == step && p.Metric == metric && p.Role == role);
        if (index < 0) return false;
        var merged = (float[])points[index].Values.Clone();
        for (var l = 0; l < merged.Length; l++)
            if (float.IsNaN(merged[l])) merged[l] = values[l];
        points[index] = points[index] with { Values = merged };
        return true;
    }

    private void AddWhatIf(List<LayerPoint> points, int step, float[] row)
    {
        var formats = whatIfFormats;
        if (formats.Count == 0) return;
        var perRole = formats.Count * WhatIfStats.Metrics.Count;
        for (var r = 0; r < LayerStatsLayout.Roles.Count; r++)
        {
            for (var f = 0; f < formats.Count; f++)
            {
                for (var m = 0; m < WhatIfStats.Metrics.Count; m++)
                {
                    var values = new float[layers.Count];
                    for (var l = 0; l < layers.Count; l++)
                    {
                        var start = window.WhatIfColumn(l);
                        values[l] = start < 0 ? float.NaN : row[start + r * perRole + f * WhatIfStats.Metrics.Count + m];
                    }

                    var name = WhatIfStats.MetricName(formats[f], WhatIfStats.Metrics[m]);
                    if (!MergeIntoGradWhatIf(points, step, name, LayerStatsLayout.Roles[r], values))
                        Add(points, step, name, LayerStatsLayout.Roles[r], values);
                }
            }
        }
    }

    private void AddOutliers(List<ScalarPoint> scalars, int step, float[] row)
    {
        for (var l = 0; l < layers.Count; l++)
        {
            var start = window.TopChannelsColumn(l);
            if (start < 0) continue;
            var k = window.TopChannelCount(l);
            for (var r = 0; r < k; r++)
            {
                var magnitude = row[start + r];
                if (float.IsNaN(magnitude)) continue;
                scalars.Add(new ScalarPoint(step, MetricCatalog.OutlierAbsMax(layers[l], r), magnitude));
                scalars.Add(new ScalarPoint(step, MetricCatalog.OutlierChannel(layers[l], r), row[start + k + r]));
            }
        }
    }

    /// <summary>
    /// Null when the row is finite. Otherwise where the step first went non-finite, in the order the step computed it:
    /// inputs and weights in forward order (a NaN weight shows at its own layer, a NaN born between layers shows as the
    /// next layer's input), then gradients in backward order, last layer first (a gradient that overflows shows as that
    /// layer's grad; only layers that quantize their gradient measure it).
    /// </summary>
    private TrainingDivergedException? FindDivergence(int step, float[] row)
    {
        // The forward pass first: inputs and weights layer by layer.
        for (var l = 0; l < layers.Count; l++)
        {
            foreach (var role in new[] { TensorRoles.Input, TensorRoles.Weight })
            {
                if (!float.IsFinite(row[StatsWindow.Column(l, role, MetricCatalog.Amax)]))
                    return new TrainingDivergedException(step, layers[l], role);
            }
        }

        // Then the backward pass, where gradients flow from the last layer to the first. A gradient is only measured
        // where it is quantized, and only once QAT has started.
        for (var l = layers.Count - 1; l >= 0; l--)
        {
            if (gradLayers[l] && step >= qatStart && !float.IsFinite(row[StatsWindow.Column(l, TensorRoles.GradOutput, MetricCatalog.Amax)]))
                return new TrainingDivergedException(step, layers[l], TensorRoles.GradOutput);
        }

        if (baseline && !float.IsFinite(row[StatsWindow.BaselineLossColumn])) return new TrainingDivergedException(step, BaselineName, null);
        return float.IsFinite(row[StatsWindow.LossColumn]) ? null : new TrainingDivergedException(step, null, null);
    }
}
