using System.Text.Json;
using System.Text.Json.Nodes;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>
/// Reads a sweep's JSON: <c>{"name": "...", "base": {config}, "grid": {"weightDecay": [0, 0.1], "quant.preset": [...]},
/// "workers": 2}</c>. The grid keeps the order of its fields. Errors name the field by its JSON path.
/// </summary>
public static class SweepConfigParser
{
    private static readonly string[] Known = ["name", "base", "grid", "workers"];

    /// <summary>The sweep, or the errors (exactly one is set).</summary>
    public static (SweepConfig? Sweep, IReadOnlyList<ConfigError> Errors) Parse(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return (null, [new ConfigError("$", "the body is not valid JSON")]);
        }

        if (node is not JsonObject root) return (null, [new ConfigError("$", "the body must be a JSON object")]);
        var errors = new List<ConfigError>();
        foreach (var (key, _) in root)
        {
            if (!Known.Contains(key, StringComparer.OrdinalIgnoreCase)) errors.Add(new ConfigError(key, "is not a known sweep field (name, base, grid, workers)"));
        }

        var sweep = new SweepConfig();
        if (Get(root, "name") is { } name)
        {
            if (name is JsonValue v && v.TryGetValue<string>(out var s)) sweep = sweep with { Name = s };
            else errors.Add(new ConfigError("name", "must be a string"));
        }

        if (Get(root, "workers") is { } workers)
        {
            if (workers is JsonValue w && w.TryGetValue<int>(out var n)) sweep = sweep with { Workers = n };
            else errors.Add(new ConfigError("workers", "must be an integer"));
        }

        switch (Get(root, "base"))
        {
            case null: break;
            case JsonObject b: sweep = sweep with { Base = (JsonObject)b.DeepClone() }; break;
            default: errors.Add(new ConfigError("base", "must be a config object")); break;
        }

        switch (Get(root, "grid"))
        {
            case null: break;
            case JsonObject grid:
                var axes = new List<SweepAxis>();
                foreach (var (field, values) in grid)
                {
                    if (values is JsonArray array) axes.Add(new SweepAxis(field, array.Select(x => x?.DeepClone()).ToArray()));
                    else errors.Add(new ConfigError($"grid.{field}", "must be an array of values"));
                }

                sweep = sweep with { Grid = axes };
                break;
            default: errors.Add(new ConfigError("grid", "must be an object of field: [values]")); break;
        }

        return errors.Count == 0 ? (sweep, []) : (null, errors);
    }

    private static JsonNode? Get(JsonObject root, string name) =>
        root.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
