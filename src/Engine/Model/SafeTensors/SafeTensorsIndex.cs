using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantScope.Engine.Model.SafeTensors;

/// <summary>
/// <c>model.safetensors.index.json</c> of a sharded checkpoint: <c>{"metadata": {...}, "weight_map": {tensor: file}}</c>.
/// </summary>
public sealed record SafeTensorsIndex
{
    /// <summary>The index's file name in a model folder.</summary>
    public const string FileName = "model.safetensors.index.json";

    /// <summary>Tensor name -> shard file name (a plain name in the same folder).</summary>
    public required IReadOnlyDictionary<string, string> WeightMap { get; init; }

    /// <summary>Parses an index; shard names must be plain file names ending in <c>.safetensors</c>.</summary>
    /// <exception cref="SafeTensorsException">Not JSON, no weight_map, or a shard name that leaves the folder.</exception>
    public static SafeTensorsIndex Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new SafeTensorsException($"{source}: not valid JSON ({ex.Message})", ex);
        }

        if (root is not JsonObject obj || obj["weight_map"] is not JsonObject map)
            throw new SafeTensorsException($"{source}: must be an object with a \"weight_map\" object");
        var weights = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in map)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var file))
                throw new SafeTensorsException($"{source}: weight_map '{name}' must be a file name");
            if (file.Length == 0 || file != Path.GetFileName(file) || file is "." or ".." || !file.EndsWith(".safetensors", StringComparison.Ordinal))
                throw new SafeTensorsException($"{source}: weight_map '{name}' names '{file}', not a .safetensors file in the same folder");
            weights[name] = file;
        }

        return new SafeTensorsIndex { WeightMap = weights };
    }

    /// <summary>The index as JSON (with the total data size in metadata, as transformers writes it).</summary>
    public string ToJson(long totalSize)
    {
        var map = new JsonObject();
        foreach (var (name, file) in WeightMap.OrderBy(p => p.Key, StringComparer.Ordinal)) map[name] = file;
        var root = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = totalSize }, ["weight_map"] = map };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
