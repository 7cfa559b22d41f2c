namespace QuantScope.Engine.Quantization;

/// <summary>
/// One group of per-layer statistics, declared next to the kernels that fill it: the raw device columns those kernels
/// write (<see cref="RawStatsLayout"/>) and the metrics the host finishes from them (<see cref="LayerStatsLayout"/>).
/// </summary>
/// <param name="Raw">The raw columns this group's kernels write, in the order they write them.</param>
/// <param name="Stats">The metric columns, each with its host formula (which may read other groups' raw columns too).</param>
internal sealed record LayerStatsGroup(IReadOnlyList<RawColumn> Raw, IReadOnlyList<LayerStat> Stats)
{
    /// <summary>Raw columns per role this group adds (the sum of its runs' counts).</summary>
    public int RawWidth => Raw.Sum(c => c.Count);
}
