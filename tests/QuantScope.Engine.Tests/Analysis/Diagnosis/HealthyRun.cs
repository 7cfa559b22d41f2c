using QuantScope.Engine.Analysis.Diagnosis;

namespace QuantScope.Engine.Tests.Analysis.Diagnosis;

/// <summary>A healthy run's data that every detector must pass, and helpers to break one thing at a time.</summary>
internal static class HealthyRun
{
    public const int Steps = 60;

    public static readonly string[] Layers =
        ["model.layers.0.self_attn.q_proj", "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"];

    public static DiagnosisInput Input()
    {
        var random = new Random(3);
        var steps = Enumerable.Range(0, Steps).ToArray();
        var loss = steps.Select(s => (float)(4 * Math.Exp(-s / 30.0) + 1 + random.NextDouble() * 0.02)).ToArray();
        var scalars = new Dictionary<string, StepSeries>
        {
            [MetricCatalog.Loss] = new(steps, loss),
            [MetricCatalog.BaselineLoss] = new(steps, loss.Select(v => v * 0.99f).ToArray()),
            [MetricCatalog.HeldOutLoss] = new([0, 30, 60], [3f, 2.9f, 2.95f]),
            [MetricCatalog.BaselineHeldOutLoss] = new([0, 30, 60], [3f, 2.88f, 2.9f]),
            [MetricCatalog.ProbeAccuracy] = new([0, 30, 60], [0.5f, 0.52f, 0.55f]),
            [MetricCatalog.BaselineProbeAccuracy] = new([0, 30, 60], [0.5f, 0.53f, 0.56f]),
        };
        var layers = new Dictionary<string, LayerSeries>();
        foreach (var role in new[] { TensorRoles.Input, TensorRoles.Weight })
        {
            layers[DiagnosisInput.Key(MetricCatalog.Amax, role)] = PerLayer((s, l) => 1 + l + s * 0.001f);
            layers[DiagnosisInput.Key(MetricCatalog.AmaxPred, role)] = PerLayer((s, l) => 1 + l + Math.Max(0, s - 1) * 0.001f);
            layers[DiagnosisInput.Key(MetricCatalog.SaturationEvent, role)] = PerLayer((s, l) => s == 0 ? 0f : (s % 30 == 7 ? 1f : 0f)); // rare: 2 of 60
            layers[DiagnosisInput.Key(MetricCatalog.UnderflowFraction, role)] = PerLayer((_, _) => 0.001f);
            layers[DiagnosisInput.Key(MetricCatalog.OverflowFraction, role)] = PerLayer((_, _) => 0f);
        }

        layers[DiagnosisInput.Key(MetricCatalog.Kurtosis, TensorRoles.Input)] = PerLayer((_, l) => 3.5f + l);
        layers[DiagnosisInput.Key(MetricCatalog.ErrorInputOnly, TensorRoles.Input)] = PerLayer((_, l) => 0.02f + 0.005f * l);
        layers[DiagnosisInput.Key(MetricCatalog.ErrorWeightOnly, TensorRoles.Input)] = PerLayer((_, _) => 0.02f);
        var plan = Layers.SelectMany(l => new[] { TensorRoles.Input, TensorRoles.Weight }.Select(r => new PlanEntry(l, r, "e4m3", "delayed(h=16,max,margin=0)", null))).ToArray();
        return new DiagnosisInput
        {
            Layers = Layers,
            Scalars = scalars,
            LayerMetrics = layers,
            Requested = new RequestedSettings { LearningRate = 1e-5, Steps = Steps, Bf16WarmupSteps = 0, Baseline = true, Quantized = true },
            Plan = plan,
        };
    }

    /// <summary>A per-layer series over every step: value(step, layer).</summary>
    public static LayerSeries PerLayer(Func<int, int, float> value) =>
        new(Enumerable.Range(0, Steps).ToArray(), Enumerable.Range(0, Steps).Select(s => Enumerable.Range(0, Layers.Length).Select(l => value(s, l)).ToArray()).ToArray());

    /// <summary>The input with one per-layer series replaced.</summary>
    public static DiagnosisInput With(this DiagnosisInput input, string metric, string role, LayerSeries series)
    {
        var layers = new Dictionary<string, LayerSeries>(input.LayerMetrics) { [DiagnosisInput.Key(metric, role)] = series };
        return input with { LayerMetrics = layers };
    }

    /// <summary>The input with one scalar series replaced.</summary>
    public static DiagnosisInput With(this DiagnosisInput input, string metric, StepSeries series)
    {
        var scalars = new Dictionary<string, StepSeries>(input.Scalars) { [metric] = series };
        return input with { Scalars = scalars };
    }
}
