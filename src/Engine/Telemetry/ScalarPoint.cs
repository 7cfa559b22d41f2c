namespace QuantScope.Engine.Telemetry;

/// <summary>One value of a per-step series (loss, lr, ...).</summary>
public sealed record ScalarPoint(int Step, string Metric, float Value);
