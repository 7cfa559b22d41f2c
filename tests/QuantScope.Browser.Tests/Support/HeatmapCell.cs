namespace QuantScope.Browser.Tests.Support;

/// <summary>A heatmap cell: its row's layer name and its centre in the viewport (CSS pixels).</summary>
public sealed record HeatmapCell(string Layer, float X, float Y);
