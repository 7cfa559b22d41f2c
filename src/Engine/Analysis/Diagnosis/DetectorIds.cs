namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>The ids of the detectors, as findings carry them.</summary>
public static class DetectorIds
{
    /// <summary>Delayed-scaling saturation (amax beyond the predicted amax).</summary>
    public const string Saturation = "amax-saturation";
    /// <summary>Held-out loss or probe accuracy falling away from the BF16 twin.</summary>
    public const string Forgetting = "forgetting";
    /// <summary>One layer's input kurtosis or error share dominating.</summary>
    public const string OutlierBottleneck = "outlier-bottleneck";
    /// <summary>FC2-input kurtosis or channel ratio rising over the last logged steps (an early warning, before any overflow).</summary>
    public const string OutlierGrowth = "outlier-growth";
    /// <summary>Gradients or activations flushed to zero.</summary>
    public const string Underflow = "underflow";
    /// <summary>Loss spikes or a non-finite loss.</summary>
    public const string Divergence = "divergence";
    /// <summary>The first layer and role with a non-finite amax.</summary>
    public const string NonFiniteOrigin = "nan-origin";
    /// <summary>The effective plan differs from the requested one.</summary>
    public const string ConfigMismatch = "config-mismatch";
}
