using QuantScope.Engine.Numerics;

namespace QuantScope.Engine.Quantization;

/// <summary>
/// What to do with one tensor role (immutable): which number format, and where its scale comes from. Implemented by
/// <see cref="DelayedScalingRecipe"/> (history of past amax), <see cref="CurrentScalingRecipe"/> (this step's amax)
/// and <see cref="BlockScalingRecipe"/> (the format's own per-block or per-group scales).
/// </summary>
public interface IScalingRecipe
{
    /// <summary>The number format (a name <see cref="NumberFormats"/> knows).</summary>
    FormatName Format { get; }

    /// <summary>Rounding onto the grid (nearest even, or stochastic).</summary>
    RoundingMode Rounding { get; }
}
