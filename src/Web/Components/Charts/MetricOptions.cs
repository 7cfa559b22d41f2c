using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>The metrics the pickers offer, each with its unit, and the tensor roles.</summary>
public static class MetricOptions
{
    /// <summary>Per-layer metrics for heatmaps.</summary>
    public static IReadOnlyList<MetricOption> Heatmap { get; } =
    [
        new(MetricNames.OverflowFraction, "overflow fraction (0–1, share of elements clipped)"),
        new(MetricNames.SaturationEvent, "saturation event (1 = amax above amaxPred)"),
        new(MetricNames.UnderflowFraction, "underflow fraction (0–1, nonzeros flushed to 0)"),
        new(MetricNames.SqnrDb, "SQNR (dB)"),
        new(MetricNames.AmaxRatio, "amax / amaxPred (ratio)"),
        new(MetricNames.Kurtosis, "kurtosis (3 = normal)"),
    ];

    /// <summary>Per-step scalar metrics for overlaid curves.</summary>
    public static IReadOnlyList<MetricOption> Scalar { get; } =
    [
        new(MetricNames.Loss, "loss (nats/token)"),
        new(MetricNames.BaselineLoss, "BF16 twin loss (nats/token)"),
        new(MetricNames.LossApe, "loss APE against the twin (%)"),
        new(MetricNames.HeldOutLoss, "held-out pretraining loss (nats/token)"),
        new(MetricNames.ProbeAccuracy, "probe accuracy (0–1)"),
        new(MetricNames.LearningRate, "learning rate"),
        new(MetricNames.StepMillis, "step time (ms)"),
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
