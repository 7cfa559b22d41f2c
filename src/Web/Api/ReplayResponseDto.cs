namespace QuantScope.Web.Api;

/// <summary>Response of <c>POST /api/runs/{id}/replay</c>.</summary>
/// <param name="Role">The tensor role replayed.</param>
/// <param name="QatStart">The step the histories were seeded at (after a BF16 warmup).</param>
/// <param name="WorstLayer">The layer with the highest recorded (else own-settings, else first-cell) saturation rate, or null.</param>
/// <param name="Layers">One entry per layer with a recorded amax, in layer order.</param>
public sealed record ReplayResponseDto(string Role, int QatStart, string? WorstLayer, IReadOnlyList<ReplayLayerDto> Layers);
