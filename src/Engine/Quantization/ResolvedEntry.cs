using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Quantization;

/// <summary>One (layer, role) of a resolved plan.</summary>
/// <param name="Layer">Full module name.</param>
/// <param name="Role">Tensor role.</param>
/// <param name="Recipe">What runs, or null = high precision.</param>
/// <param name="Note">Fallback explanation, or null.</param>
public sealed record ResolvedEntry(string Layer, TensorRole Role, IScalingRecipe? Recipe, string? Note);
