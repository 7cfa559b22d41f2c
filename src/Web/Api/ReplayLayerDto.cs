namespace QuantScope.Web.Api;

/// <summary>One layer of a replay: its own-settings reproduction (null when unknown) and the sweep.</summary>
public sealed record ReplayLayerDto(string Layer, ReplayOwnDto? Own, IReadOnlyList<ReplayCellDto> Sweep);
