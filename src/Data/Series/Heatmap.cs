using QuantScope.Data.Runs;

namespace QuantScope.Data.Series;

/// <summary>
/// A per-layer metric of one tensor role over steps: <see cref="Values"/>[k][i] is layer i
/// (of <see cref="RunEntity.GetLayers"/>) at <see cref="Steps"/>[k]. Steps ascend.
/// </summary>
public sealed record Heatmap(int[] Steps, float[][] Values)
{
    public static readonly Heatmap Empty = new([], []);
}
