namespace QuantScope.Engine.Telemetry;

/// <summary>The quantized layers of a run, by full module name (e.g. <c>model.layers.0.mlp.down_proj</c>), in heatmap row order.</summary>
public sealed record RunLayout(IReadOnlyList<string> Layers);
