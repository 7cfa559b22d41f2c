using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>The metrics the pickers offer, each with its unit, and the tensor roles.</summary>
public static class MetricOptions
{
    /// <summary>Per-layer metrics for heatmaps.</summary>
    public static IReadOnlyList<MetricOption> Heatmap { get; } =
    [
        new(MetricCatalog.OverflowFraction, "overflow fraction (0–1, share of elements clipped)"),
        new(MetricCatalog.SaturationEvent, "saturation event (1 = amax above amaxPred)"),
        new(MetricCatalog.UnderflowFraction, "underflow fraction (0–1, nonzeros flushed to 0)"),
        new(MetricCatalog.SqnrDb, "SQNR (dB)"),
        new(MetricCatalog.AmaxRatio, "amax / amaxPred (ratio)"),
        new(MetricCatalog.Kurtosis, "kurtosis (3 = normal)"),
    ];

    /// <summary>Per-step scalar metrics for overlaid curves.</summary>
    public static IReadOnlyList<MetricOption> Scalar { get; } =
    [
        new(MetricCatalog.Loss, "loss (nats/token)"),
        new(MetricCatalog.BaselineLoss, "BF16 twin loss (nats/token)"),
        new(MetricCatalog.LossApe, "loss APE against the twin (%)"),
        new(MetricCatalog.HeldOutLoss, "held-out pretraining loss (nats/token)"),
        new(MetricCatalog.ProbeAccuracy, "probe accuracy (0–1)"),
        new(MetricCatalog.LearningRate, "learning rate"),
        new(MetricCatalog.StepMillis, "step time (ms)"),
    ];

    /// <summary>The tensor roles with what they are.</summary>
    public static IReadOnlyList<MetricOption> Roles { get; } =
    [
        new(TensorRoles.Input, "input (activation)"),
        new(TensorRoles.Weight, "weight"),
        new(TensorRoles.GradOutput, "grad (output gradient)"),
    ];

    /// <summary>The label of <paramref name="metric"/> among <paramref name="options"/>, else the name itself.</summary>
    public static string LabelOf(IReadOnlyList<MetricOption> options, string metric) =>
        options.FirstOrDefault(o => o.Metric == metric)?.Label ?? metric;
}
