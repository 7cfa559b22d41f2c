namespace QuantScope.Engine.Telemetry;

/// <summary>
/// Where a run's first non-finite value appeared, as the engine found it (stored with the summary, so the diagnosis
/// reads it instead of parsing the error text).
/// </summary>
/// <param name="Step">0-based step whose pass first held a non-finite value.</param>
/// <param name="Layer">Full module name of the first layer with a non-finite amax (forward order for inputs and weights,
/// backward order, last layer first, for gradients); <c>baseline</c> for the twin's loss; null when only the loss was non-finite.</param>
/// <param name="Role"><c>input</c>, <c>weight</c> or <c>grad</c>; null with no layer.</param>
public sealed record DivergenceInfo(int Step, string? Layer, string? Role);
