namespace QuantScope.Engine.Numerics;

/// <summary>
/// One bin of a format's magnitude histogram (<see cref="MagnitudeBins"/>): which scaled magnitudes |v| it counts and
/// whether the format can represent them. Power-of-two bins hold 2^k ≤ |v| &lt; 2^(k+1) (the top one stops at the
/// format's max); <c>zero</c>, <c>under</c> (nonzero, below the smallest subnormal) and <c>over</c> (above the max,
/// NaN and ±inf included) have no exponent.
/// </summary>
/// <param name="Metric">The per-layer metric that holds the bin's share: <c>magHist.zero</c>, <c>magHist.under</c>, <c>magHist.e{k}</c>, <c>magHist.over</c>.</param>
/// <param name="Exponent">k of a power-of-two bin; null for zero, under and over.</param>
/// <param name="Lower">Smallest magnitude in the bin (inclusive; 0 for zero, the smallest positive float for under).</param>
/// <param name="Upper">Magnitude the bin stops below (exclusive; the max's successor for the top bin, +∞ for over).</param>
/// <param name="Representable">Whether the format keeps values of this bin (zero and the power-of-two bins; not under and over).</param>
public sealed record MagnitudeBin(string Metric, int? Exponent, double Lower, double Upper, bool Representable);
