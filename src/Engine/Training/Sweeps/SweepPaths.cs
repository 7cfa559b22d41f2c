using System.Text.Json;
using System.Text.Json.Nodes;
using QuantScope.Engine.Model;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>Sets a value at a dotted path in a config's JSON, creating objects on the way (the config reader fills defaults).</summary>
public static class SweepPaths
{
    private static readonly JsonSerializerOptions Camel = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Sets <paramref name="path"/> in <paramref name="root"/> to <paramref name="value"/>; property names match
    /// case-insensitively (as the config reader does). A model preset name on the way (<c>"model": "tiny"</c> and a grid
    /// over <c>model.dModel</c>) becomes the preset's sizes first. Returns the problem, or null when the value was set.
    /// </summary>
    public static string? TrySet(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('.');
        var node = root;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var key = KeyOf(node, segments[i]);
            var child = node[key];
            if (child is JsonValue preset && i == 0 && key.Equals("model", StringComparison.OrdinalIgnoreCase)
                && preset.TryGetValue<string>(out var name) && ModelConfig.Preset(name) is { } model)
            {
                child = JsonSerializer.SerializeToNode(model, Camel);
                node[key] = child;
            }

            if (child is null)
            {
                child = new JsonObject();
                node[key] = child;
            }

            if (child is not JsonObject next)
                return $"cannot be set: {string.Join('.', segments[..(i + 1)])} is not an object in the base config";
            node = next;
        }

        node[KeyOf(node, segments[^1])] = value;
        return null;
    }

    private static string KeyOf(JsonObject node, string segment) =>
        node.Select(p => p.Key).FirstOrDefault(k => k.Equals(segment, StringComparison.OrdinalIgnoreCase)) ?? segment;
}
