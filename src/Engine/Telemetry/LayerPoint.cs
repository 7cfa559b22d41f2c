namespace QuantScope.Engine.Telemetry;

/// <summary>
/// One step of a per-layer series: <see cref="Values"/>[i] belongs to layer i of the run's layer list
/// (<see cref="RunLayout.Layers"/>). A heatmap is a stack of these.
/// </summary>
public sealed record LayerPoint(int Step, string Metric, string Role, float[] Values);
