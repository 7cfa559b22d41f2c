namespace QuantScope.Web.Api;

/// <summary>A per-layer metric as a layer × step matrix: <c>Values[i][j]</c> is layer i at step j, null where not measured.</summary>
public sealed record HeatmapDto(IReadOnlyList<string> Layers, int[] Steps, float?[][] Values);
