namespace QuantScope.Web.Compare;

/// <summary>
/// One run's line of the compare summary table; null where the run has no such figure (no twin, no evaluation).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Name">Its name.</param>
/// <param name="ApeMeanPct">Mean loss APE against its twin, percent.</param>
/// <param name="ApeLastPct">Loss APE over the last K steps, percent.</param>
/// <param name="TaskDrops">Relative accuracy drop per task against the twin, percent.</param>
/// <param name="HeldOutLossDelta">Forgetting: held-out pretraining loss end − start, nats/token.</param>
/// <param name="ProbeAccuracyDelta">Forgetting: probe accuracy end − start (fraction).</param>
/// <param name="OverflowMax">Largest overflow fraction (0..1).</param>
/// <param name="OverflowMean">Mean overflow fraction (0..1).</param>
/// <param name="WorstLayers">Layers with the highest mean overflow fraction, worst first.</param>
public sealed record CompareSummaryRow(
    Guid RunId, string Name, double? ApeMeanPct, double? ApeLastPct, IReadOnlyList<(string Task, double? DropPct)> TaskDrops,
    double? HeldOutLossDelta, double? ProbeAccuracyDelta, double? OverflowMax, double? OverflowMean, IReadOnlyList<string> WorstLayers);
