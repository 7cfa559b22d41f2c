namespace QuantScope.Engine.Telemetry;

/// <summary>Names of the metric series the engine emits and the store keeps. Layers are named by full module name.</summary>
public static class MetricNames
{
    /// <summary>Training loss (cross-entropy, nats per token), one scalar per step.</summary>
    public const string Loss = "loss";
    /// <summary>Learning rate in effect for the step.</summary>
    public const string LearningRate = "lr";
    /// <summary>Wall time of the training step, milliseconds.</summary>
    public const string StepMillis = "step_ms";
    /// <summary>Tokens seen so far (cumulative).</summary>
    public const string Tokens = "tokens";
    /// <summary>Per layer: fraction (0..1) of elements whose |x·scale| exceeded the format max (clipped).</summary>
    public const string Saturation = "saturation";
    /// <summary>Per layer: absolute maximum of the tensor at this step (before scaling).</summary>
    public const string Amax = "amax";
    /// <summary>Per layer: the delayed amax prediction the tensor was scaled with (from the history ending at the previous step).</summary>
    public const string AmaxPred = "amax_pred";
    /// <summary>Per layer: the scale applied before casting (format max / amax_pred).</summary>
    public const string Scale = "scale";

    /// <summary>Metrics that are one value per step (not per layer).</summary>
    public static readonly IReadOnlySet<string> Scalars = new HashSet<string> { Loss, LearningRate, StepMillis, Tokens };
}
