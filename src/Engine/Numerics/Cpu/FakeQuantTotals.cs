namespace QuantScope.Engine.Numerics.Cpu;

/// <summary>
/// What one <see cref="FakeQuantKernel"/> pass counted and summed. The statistics are 0 when the pass did not take
/// them (no full stats, no tiers); <see cref="FakeQuantKernel"/> says which.
/// </summary>
/// <param name="Overflow">Elements with |x·scale| above the overflow limit, NaN included.</param>
/// <param name="NonzeroInput">Elements with x ≠ 0 (NaN included).</param>
/// <param name="NonzeroQuantized">Elements with q ≠ 0 (NaN included).</param>
/// <param name="ErrorEnergy">Σ(q - x)², x's units squared, summed in float64.</param>
/// <param name="SignalEnergy">Σx², summed in float64.</param>
/// <param name="Bins">Counts of |x·scale| per magnitude bin (bin b: the thresholds t[b-1] ≤ |v| &lt; t[b]; NaN in the
/// last bin), or empty without tiers.</param>
internal sealed record FakeQuantTotals(long Overflow, long NonzeroInput, long NonzeroQuantized, double ErrorEnergy, double SignalEnergy, long[] Bins);
