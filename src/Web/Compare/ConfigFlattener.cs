using System.Globalization;
using System.Text.Json;

namespace QuantScope.Web.Compare;

/// <summary>
/// Flattens a config (JSON) to dotted paths: <c>quant.input.format</c> → <c>e4m3</c>. Arrays of plain values stay one
/// value (<c>[a, b]</c>); arrays of objects are indexed (<c>quant.rules[1].format</c>). Empty objects and arrays keep
/// their path, so "set to nothing" still differs from "absent".
/// </summary>
public static class ConfigFlattener
{
    /// <summary>The leaves of <paramref name="json"/>, ordered by path; an unreadable text is one leaf <c>$</c>.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(string? json)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json)) return result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            Walk(doc.RootElement, "", result);
        }
        catch (JsonException)
        {
            result["$"] = json;
        }
        return result;
    }

    /// <summary>Flattens an element already parsed.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(JsonElement element)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(element, "", result);
        return result;
    }

    private static void Walk(JsonElement e, string path, IDictionary<string, string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var any = false;
                foreach (var p in e.EnumerateObject())
                {
                    any = true;
                    Walk(p.Value, path.Length == 0 ? p.Name : $"{path}.{p.Name}", into);
                }
                if (!any && path.Length > 0) into[path] = "{}";
                break;
            case JsonValueKind.Array when e.EnumerateArray().Any(x => x.ValueKind is JsonValueKind.Object or JsonValueKind.Array):
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, $"{path}[{i++}]", into);
                break;
            case JsonValueKind.Array:
                into[Key(path)] = "[" + string.Join(", ", e.EnumerateArray().Select(Value)) + "]";
                break;
            default:
                into[Key(path)] = Value(e);
                break;
        }
    }

    private static string Key(string path) => path.Length == 0 ? "$" : path;

    /// <summary>A leaf as text: strings bare, numbers in invariant round-trip form, true/false/null by name.</summary>
    public static string Value(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Number => e.TryGetDouble(out var d) ? d.ToString("R", CultureInfo.InvariantCulture) : e.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => e.GetRawText(),
    };
}
