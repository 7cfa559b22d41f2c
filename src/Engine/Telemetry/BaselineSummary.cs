namespace QuantScope.Engine.Telemetry;

/// <summary>The twin's final loss, nats/token.</summary>
public sealed record BaselineSummary(double? FinalLoss);
