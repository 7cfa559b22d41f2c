using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Runs;

/// <summary>
/// What a run actually trained with: the quantization plan (one entry per layer and role, and what did not apply as
/// asked) and the device (null for runs the engine did not train, and runs stored before devices were recorded).
/// </summary>
public sealed record EffectivePlanDto(string Name, IReadOnlyList<PlanEntry> Entries, IReadOnlyList<string> Warnings, DeviceInfo? Device = null);
