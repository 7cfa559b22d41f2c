namespace QuantScope.Web.Api;

/// <summary>One (algorithm, H) cell of a layer's replay sweep.</summary>
/// <param name="Algorithm">max, most_recent or mean.</param>
/// <param name="HistoryLength">H, steps.</param>
/// <param name="SaturationRate">Replayed steps with amax &gt; amaxPred / replayed steps (0..1; NaN when none).</param>
/// <param name="Events">Saturation events.</param>
/// <param name="Measured">Replayed steps.</param>
/// <param name="MeanExpectedOverflow">Mean of max(0, 1 - amaxPred·2^margin / amax): the clipped share of the range.</param>
public sealed record ReplayCellDto(string Algorithm, int HistoryLength, double SaturationRate, int Events, int Measured, double MeanExpectedOverflow);
