using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Runs;

/// <summary>The quantization plan a run actually used: one entry per layer and role, and what did not apply as asked.</summary>
public sealed record EffectivePlanDto(string Name, IReadOnlyList<PlanEntry> Entries, IReadOnlyList<string> Warnings);
