using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantScope.Web.Ingest;

/// <summary>
/// A columnar batch of metric points from an external job (<c>POST /api/runs/{id}/metrics</c> and the hub's
/// <c>IngestMetrics</c>): point i is (<c>steps[i]</c>, <c>names[i]</c>, <c>layers[i]</c>, <c>roles[i]</c>,
/// <c>values[i]</c>). A null layer makes the point a per-step scalar. The columns stay raw JSON here so that
/// <see cref="MetricColumnsReader"/> can name the field and index of every wrong element instead of failing the
/// whole binding with one anonymous error.
/// </summary>
/// <param name="Steps">Non-negative integers.</param>
/// <param name="Names">Metric names (e.g. <c>loss</c>, <c>overflowFraction</c>).</param>
/// <param name="Layers">Full module names, or null for scalars; the column may be omitted when every point is a scalar.</param>
/// <param name="Roles"><c>input</c>, <c>weight</c>, <c>grad</c>, or null (scalars; <c>input</c> for layer points); may be omitted.</param>
/// <param name="Values">Numbers; null, <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> are accepted too.</param>
public sealed record MetricColumnsDto(JsonElement Steps, JsonElement Names, JsonElement Layers, JsonElement Roles, JsonElement Values)
{
    /// <summary>Members the batch has beyond the five columns (a misspelt <c>"layer"</c>): refused by name, never ignored.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}
