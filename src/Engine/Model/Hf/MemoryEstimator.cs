namespace QuantScope.Engine.Model.Hf;

/// <summary>
/// Up-front RAM estimates, so a model too large for the machine is refused before anything is allocated. Per parameter:
/// inference 4 bytes (FP32 weights); PTQ 8 (weights + a fake-quantized working copy of the layer under test);
/// QAT 16 (weights, gradients, AdamW's two moments), twice that with the unquantized twin. Plus
/// <see cref="ActivationAllowanceBytes"/> for activations, rotary tables and the runtime.
/// </summary>
public static class MemoryEstimator
{
    /// <summary>Fixed allowance for activations (small batches), rotary tables and the native runtime, bytes.</summary>
    public const long ActivationAllowanceBytes = 1L << 30;

    /// <summary>The uses estimated.</summary>
    public static IReadOnlyList<string> Uses { get; } = ["inference", "ptq", "qat"];

    /// <summary>Estimate for <paramref name="config"/>; <paramref name="availableBytes"/> null = this machine's.</summary>
    public static MemoryEstimate Estimate(ModelConfig config, string use, bool twin = false, long? availableBytes = null)
    {
        var parameters = config.ParameterCount();
        var perParameter = use switch
        {
            "inference" => 4L,
            "ptq" => 8L,
            "qat" => twin ? 32L : 16L,
            _ => throw new ArgumentOutOfRangeException(nameof(use), use, $"One of: {string.Join(", ", Uses)}."),
        };
        return new MemoryEstimate(parameters, 4 * parameters, perParameter * parameters + ActivationAllowanceBytes,
            availableBytes ?? Available(), use);
    }

    /// <summary>Throws when the estimate does not fit.</summary>
    /// <exception cref="HfModelException">The model is too large; the message gives the estimate.</exception>
    public static MemoryEstimate Require(ModelConfig config, string use, bool twin = false, long? availableBytes = null)
    {
        var estimate = Estimate(config, use, twin, availableBytes);
        if (!estimate.Fits) throw new HfModelException($"model too large for this machine: {estimate.Describe()}");
        return estimate;
    }

    /// <summary>Memory this process may use, bytes (physical RAM, or the container's limit when lower).</summary>
    public static long Available() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
}
