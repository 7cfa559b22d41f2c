using QuantScope.Engine.Analysis.Replay;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>Everything the detectors look at for one run: plain series and plan rows, no tensors, no store.</summary>
public sealed record DiagnosisInput
{
    /// <summary>Layer names (full module names) in the order of the per-layer arrays.</summary>
    public IReadOnlyList<string> Layers { get; init; } = [];
    /// <summary>Scalar series by metric name (loss, baseline_loss, heldout_loss, probe_acc, ...).</summary>
    public IReadOnlyDictionary<string, StepSeries> Scalars { get; init; } = new Dictionary<string, StepSeries>();
    /// <summary>Per-layer series keyed by <see cref="Key"/>(metric, role).</summary>
    public IReadOnlyDictionary<string, LayerSeries> LayerMetrics { get; init; } = new Dictionary<string, LayerSeries>();
    /// <summary>The requested config's fields, or null when unknown (imported and external runs).</summary>
    public RequestedSettings? Requested { get; init; }
    /// <summary>The effective plan rows (empty when unknown).</summary>
    public IReadOnlyList<PlanEntry> Plan { get; init; } = [];
    /// <summary>The effective plan's warnings (rules that matched nothing, fallbacks).</summary>
    public IReadOnlyList<string> PlanWarnings { get; init; } = [];
    /// <summary>Why the run failed, as stored (e.g. a divergence message), or null.</summary>
    public string? RunError { get; init; }

    /// <summary>Where the engine found the run's first non-finite value (from its stored summary), or null.</summary>
    public DivergenceInfo? Divergence { get; init; }

    /// <summary>The key of a per-layer series.</summary>
    public static string Key(string metric, string role) => metric + "/" + role;

    /// <summary>A scalar series, or null.</summary>
    public StepSeries? Scalar(string metric) => Scalars.GetValueOrDefault(metric);

    /// <summary>A per-layer series, or null.</summary>
    public LayerSeries? Layer(string metric, string role) => LayerMetrics.GetValueOrDefault(Key(metric, role));

    /// <summary>
    /// The first quantized step: the requested BF16 warmup, else the first step with a recorded amaxPred (warmup steps
    /// record amax only), else 0.
    /// </summary>
    public int QatStart()
    {
        if (Requested?.Bf16WarmupSteps is { } warmup) return warmup;
        foreach (var role in TensorRoles.All)
        {
            if (Layer(MetricCatalog.AmaxPred, role) is not { } pred) continue;
            for (var k = 0; k < pred.Steps.Length; k++)
                if (pred.Values[k].Any(float.IsFinite)) return pred.Steps[k];
        }

        return 0;
    }

    /// <summary>The run's own delayed-scaling settings for (layer, role) from the effective plan, or null.</summary>
    public ReplaySettings? OwnSettings(string layer, string role)
    {
        var entry = Plan.FirstOrDefault(e => e.Layer == layer && e.Role == role);
        return RecipeText.TryParseDelayed(entry?.Recipe, entry?.Format);
    }
}
