namespace QuantScope.Engine.Telemetry;

/// <summary>Forgetting of the pretraining data: held-out loss (nats/token) and probe accuracy (0..1).</summary>
public sealed record ForgettingSummary(
    double HeldOutLossStart, double HeldOutLossEnd, double? BaselineHeldOutLossEnd,
    double ProbeAccuracyStart, double ProbeAccuracyEnd, double? BaselineProbeAccuracyEnd);
