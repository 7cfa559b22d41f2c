namespace QuantScope.Engine.Telemetry;

/// <summary>
/// Overflow of delayed scaling over (quantized input tensor, QAT step) pairs.
/// </summary>
/// <param name="StepRate">Fraction of pairs whose amax exceeded the amaxPred it was scaled with.</param>
/// <param name="OverflowFractionMax">Largest fraction of a tensor's elements above the format max (HiF8: max_val).</param>
/// <param name="OverflowFractionMean">Mean of that fraction over all pairs.</param>
/// <param name="WorstLayer">The layer with the highest mean overflow fraction (ties: most exceeded steps).</param>
public sealed record SaturationSummary(double StepRate, double OverflowFractionMax, double OverflowFractionMean, string? WorstLayer);
