using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Folds an engine run's metric batches, as they stream, into the <see cref="DiagnosisInput"/> the detectors read
/// (what the dashboard loads back from its store, without a store): every scalar series and every per-layer series.
/// For the demo study and for tests that diagnose real runs in-process.
/// </summary>
public sealed class DiagnosisInputRecorder
{
    private readonly Dictionary<string, SortedDictionary<int, float>> _scalars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<int, float[]>> _layers = new(StringComparer.Ordinal);

    /// <summary>Takes in one batch (later values of the same step and metric replace earlier ones).</summary>
    public void Add(MetricBatch batch)
    {
        foreach (var s in batch.Scalars)
        {
            if (!_scalars.TryGetValue(s.Metric, out var series)) _scalars[s.Metric] = series = new SortedDictionary<int, float>();
            series[s.Step] = s.Value;
        }

        foreach (var p in batch.LayerPoints)
        {
            var key = DiagnosisInput.Key(p.Metric, p.Role);
            if (!_layers.TryGetValue(key, out var series)) _layers[key] = series = new SortedDictionary<int, float[]>();
            series[p.Step] = p.Values;
        }
    }

    /// <summary>The input for a run with these layers, requested settings, effective plan and (when it diverged) divergence.</summary>
    public DiagnosisInput Build(IReadOnlyList<string> layers, RequestedSettings? requested, IReadOnlyList<PlanEntry> plan,
        IReadOnlyList<string> planWarnings, string? runError = null, DivergenceInfo? divergence = null) => new()
    {
        Layers = layers,
        Scalars = _scalars.ToDictionary(e => e.Key, e => new StepSeries(e.Value.Keys.ToArray(), e.Value.Values.ToArray()), StringComparer.Ordinal),
        LayerMetrics = _layers.ToDictionary(e => e.Key, e => new LayerSeries(e.Value.Keys.ToArray(), e.Value.Values.ToArray()), StringComparer.Ordinal),
        Requested = requested,
        Plan = plan,
        PlanWarnings = planWarnings,
        RunError = runError,
        Divergence = divergence,
    };
}
