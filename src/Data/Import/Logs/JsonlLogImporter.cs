using System.Text;
using System.Text.Json;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads a JSON Lines log: one object a line with a step property (<c>step</c>, <c>iteration</c>, <c>iter</c> or
/// <c>global_step</c>), optional <c>layer</c> and <c>role</c>, and numeric properties as metrics (nested objects
/// flatten to <c>outer.inner</c>; numeric strings such as <c>"NaN"</c> count; other values are ignored). A line that is
/// not a JSON object or has no usable step is skipped.
/// </summary>
public static class JsonlLogImporter
{
    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct)
    {
        foreach (var (number, line) in LogLines.Read(stream, ct))
        {
            if (line.Trim().Length > 0) ReadLine(line, $"line {number}", into);
        }
    }

    private static void ReadLine(string line, string where, ImportedSeries into)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            into.Skip(where, $"not JSON ({ex.Message})");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                into.Skip(where, "not a JSON object");
                return;
            }
            if (!IsValidText(root))
            {
                // Checked before anything of the line is added: a line is read whole or skipped whole.
                into.Skip(where, "holds an escaped lone surrogate (\\ud800...) that is not text");
                return;
            }

            var stepProperty = root.EnumerateObject().FirstOrDefault(p => ImportNumbers.IsStepName(p.Name));
            if (stepProperty.Value.ValueKind == JsonValueKind.Undefined)
            {
                into.Skip(where, "no step property");
                return;
            }
            var stepText = stepProperty.Value.ValueKind == JsonValueKind.String ? stepProperty.Value.GetString()! : stepProperty.Value.GetRawText();
            if (!ImportNumbers.TryParseStep(stepText, out var step))
            {
                into.Skip(where, $"step '{stepText}' is not a whole number 0..{int.MaxValue}");
                return;
            }

            var layer = Text(root, "layer");
            var role = ImportRoles.Normalize(Text(root, "role"));
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals(stepProperty.Name) || Is(property, "layer") || Is(property, "role")) continue;
                AddValues(property.Name, property.Value, step, layer, role, into);
            }
        }
    }

    private static void AddValues(string name, JsonElement value, int step, string? layer, string role, ImportedSeries into)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var inner in value.EnumerateObject())
                AddValues(name + "." + inner.Name, inner.Value, step, layer, role, into);
            return;
        }

        if (string.IsNullOrWhiteSpace(name)) return; // "": 5 names no metric (found by fuzzing)
        double number;
        if (value.ValueKind == JsonValueKind.Number) number = value.GetDouble();
        else if (value.ValueKind != JsonValueKind.String || !ImportNumbers.TryParseValue(value.GetString()!, out number)) return;
        if (string.IsNullOrWhiteSpace(layer)) into.AddScalar(step, name, number);
        else into.AddLayer(step, name, role, layer, number);
    }

    // JsonDocument accepts "\ud800" escapes but throws when such a string is read: find them up front (found by fuzzing).
    private static bool IsValidText(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name is not null && IsValidText(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(IsValidText),
                JsonValueKind.String => element.GetString() is not null,
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Is(JsonProperty property, string name) => property.Name.Equals(name, StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonElement root, string name)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (Is(property, name)) return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
        }
        return null;
    }
}
