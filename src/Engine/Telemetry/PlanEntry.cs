namespace QuantScope.Engine.Telemetry;

/// <summary>
/// One row of a run's effective quantization plan: what one tensor role of one layer runs in.
/// </summary>
/// <param name="Layer">Full module name, e.g. <c>model.layers.3.mlp.down_proj</c>.</param>
/// <param name="Role">Tensor role (<see cref="TensorRoles"/>): input, weight or grad.</param>
/// <param name="Format">Number format name (e.g. <c>e4m3</c>, <c>int4-g128</c>), or <c>fp32</c> for high precision.</param>
/// <param name="Recipe">How the scale is chosen, e.g. <c>delayed(h=16,max,margin=0)</c>, <c>current(margin=0)</c>,
/// <c>block</c>, or <c>high precision</c>.</param>
/// <param name="Note">Why the entry differs from its rule (fallback, not applied), or null.</param>
public sealed record PlanEntry(string Layer, string Role, string Format, string Recipe, string? Note);
