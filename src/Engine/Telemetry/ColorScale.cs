namespace QuantScope.Engine.Telemetry;

/// <summary>The colour scale a metric's heatmap is drawn with; both are perceptually uniform and colour-blind safe.</summary>
public enum ColorScale
{
    /// <summary>Viridis: the scale of every metric's own heatmap.</summary>
    Viridis,

    /// <summary>Cividis: differences between two runs.</summary>
    Cividis,
}
