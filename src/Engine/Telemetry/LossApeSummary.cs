namespace QuantScope.Engine.Telemetry;

/// <summary>Mean loss APE over all steps and over the last K steps, percent.</summary>
public sealed record LossApeSummary(double MeanPct, double LastPct);
