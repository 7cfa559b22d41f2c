using System.Text.Json;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Api;

/// <summary>A run as the REST API shows it; <see cref="Device"/> is where an engine run trained (name, memory), else null.</summary>
public sealed record RunDto(
    Guid Id,
    string Name,
    string Kind,
    RunStatus Status,
    JsonElement Config,
    IReadOnlyList<string> Layers,
    JsonElement EffectivePlan,
    int LastStep,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? EndedAt,
    string? Error,
    JsonElement? Summary,
    IReadOnlyList<string> Tags,
    string Notes,
    DeviceInfo? Device);
