using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Hubs;

/// <summary>Status change of a run, as sent to hub clients.</summary>
public sealed record RunStatusDto(Guid RunId, RunStatus Status, string? Error, IReadOnlyList<string>? Layers);
