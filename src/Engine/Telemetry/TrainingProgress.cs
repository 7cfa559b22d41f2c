namespace QuantScope.Engine.Telemetry;

/// <summary>Where a run is: phase (<c>pretrain</c>, <c>warmup</c>, <c>qat</c>, <c>eval</c>), steps done and steps in that phase.</summary>
public sealed record TrainingProgress(string Phase, int Step, int TotalSteps);
