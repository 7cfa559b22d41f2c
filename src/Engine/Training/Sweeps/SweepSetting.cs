using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>The value one run of a sweep gives one swept field.</summary>
/// <param name="Field">The swept field's dotted path.</param>
/// <param name="Json">The value as compact JSON text (<c>0.1</c>, <c>"w4a4-g128"</c>, <c>true</c>).</param>
public sealed record SweepSetting(string Field, string Json)
{
    /// <summary>The value for display: strings without quotes, everything else as its JSON.</summary>
    public string Display => Parse() is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Json;

    /// <summary>The value as a number when it is one (for charts), else null.</summary>
    public double? Number => Parse() is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    /// <summary><c>field=value</c>, as in run names and tags.</summary>
    public override string ToString() => $"{Field}={Display}";

    // Settings read back from hand-edited tags may hold text that is not JSON: treat it as plain text.
    private JsonNode? Parse()
    {
        try
        {
            return JsonNode.Parse(Json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Json);
        }
    }

    /// <summary>The setting of <paramref name="field"/> to <paramref name="value"/>.</summary>
    public static SweepSetting Of(string field, JsonNode? value) => new(field, value?.ToJsonString() ?? "null");
}
