using System.Text.Json;

namespace QuantScope.Data.Runs;

/// <summary>The JSON form of a run's layer list (<see cref="RunEntity.LayersJson"/>).</summary>
public static class RunLayers
{
    public const string Empty = "[]";

    public static string Serialize(IReadOnlyList<string> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        for (var i = 0; i < layers.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(layers[i]))
                throw new ArgumentException($"Layer {i} has no name.", nameof(layers));
        }
        return JsonSerializer.Serialize(layers);
    }

    public static IReadOnlyList<string> Parse(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonSerializer.Deserialize<string[]>(json) ?? [];
}
