namespace QuantScope.Engine.Training;

/// <summary>
/// Training produced a non-finite loss or activation. <see cref="LayerName"/> and <see cref="Role"/> name where the
/// first non-finite amax appeared (inputs and weights in forward order, then gradients in backward order; best effort:
/// null when only the loss was non-finite, i.e. the problem arose after the last quantized layer, in the final norm or
/// <c>lm_head</c>). The run's summary keeps the same facts as a <see cref="Telemetry.DivergenceInfo"/>.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a divergence at <paramref name="step"/>.</summary>
    public TrainingDivergedException(int step, string? layerName, string? role)
        : base(Describe(step, layerName, role))
    {
        Step = step;
        LayerName = layerName;
        Role = role;
    }

    /// <summary>0-based step whose forward pass first held a non-finite value.</summary>
    public int Step { get; }

    /// <summary>Full module name of the first layer with a non-finite amax, or null.</summary>
    public string? LayerName { get; }

    /// <summary>The tensor role there (<c>input</c>, <c>weight</c> or <c>grad</c>), or null.</summary>
    public string? Role { get; }

    private static string Describe(int step, string? layerName, string? role) => layerName is null
        ? $"Training diverged at step {step}: the loss is not finite."
        : $"Training diverged at step {step}: non-finite {role} of {layerName}.";
}
