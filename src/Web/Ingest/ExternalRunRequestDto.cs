namespace QuantScope.Web.Ingest;

/// <summary>Body of <c>POST /api/runs</c> that creates an external run: <c>{"kind": "external", "name": ..., "layers": [...]}</c>.</summary>
/// <param name="Kind">Must be <c>external</c>.</param>
/// <param name="Name">Shown in the run list; defaults to <c>external</c>.</param>
/// <param name="Layers">Initial layer list (full module names), extended as batches name new layers.</param>
public sealed record ExternalRunRequestDto(string? Kind, string? Name, IReadOnlyList<string>? Layers);
