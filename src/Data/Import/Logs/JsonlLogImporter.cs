using System.Text;
using System.Text.Json;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads a JSON Lines log: one object a line with a step property (the most preferred of
/// <see cref="ImportNumbers.StepNames"/>, or the one named by the caller), optional <c>layer</c> and <c>role</c>, and
/// numeric properties as metrics (nested objects flatten to <c>outer.inner</c>; numeric strings such as <c>"NaN"</c>
/// count, and so do Python's bare <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>, see <see cref="JsonNonFinite"/>; other
/// values are ignored). When the first object has no step property (and none was named), every line's number among
/// the non-blank lines (first = 1) is its step, with a note. A line that is not a JSON object or has no usable step is
/// skipped.
/// </summary>
public static class JsonlLogImporter
{
    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>, finding the step property by name.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct) => Read(stream, into, null, ct);

    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>; <paramref name="stepProperty"/> names the step (null: find it).</summary>
    public static void Read(Stream stream, ImportedSeries into, string? stepProperty, CancellationToken ct)
    {
        var state = new LineState(string.IsNullOrWhiteSpace(stepProperty) ? null : stepProperty.Trim());
        foreach (var (number, line) in LogLines.Read(stream, ct))
        {
            if (line.Trim().Length == 0) continue;
            state.Row++;
            ReadLine(JsonNonFinite.Quote(line), $"line {number}", state, into);
        }
    }

    /// <summary>
    /// How sure the sniffer may be that <paramref name="lines"/> are JSON lines: 0.9 when the first non-blank line is a
    /// JSON object (bare NaN and Infinity allowed), 0.6 when it only starts with <c>{</c> (a cut or broken first line),
    /// else 0.
    /// </summary>
    public static double Confidence(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var first = lines.Select(l => l.Trim().TrimStart('\uFEFF')).FirstOrDefault(l => l.Length > 0);
        if (first is null || !first.StartsWith('{')) return 0;
        try
        {
            using var document = JsonDocument.Parse(JsonNonFinite.Quote(first));
            return document.RootElement.ValueKind == JsonValueKind.Object ? 0.9 : 0.6;
        }
        catch (JsonException)
        {
            return 0.6;
        }
    }

    private static void ReadLine(string line, string where, LineState state, ImportedSeries into)
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

            var properties = root.EnumerateObject().ToArray();
            var stepIndex = ImportNumbers.FindStep(properties.Select(p => p.Name).ToArray(), state.Requested);
            if (state.RowSteps is null && (state.RowSteps = stepIndex < 0 && state.Requested is null) == true)
            {
                into.Note($"no step property ({string.Join(", ", ImportNumbers.StepNames)}): the line number among non-blank lines (first = 1) is the step");
            }
            int step;
            string? stepName = null;
            if (state.RowSteps == true) step = state.Row;
            else if (stepIndex < 0)
            {
                into.Skip(where, state.Requested is null ? "no step property" : $"no step property '{state.Requested}'");
                return;
            }
            else
            {
                var value = properties[stepIndex].Value;
                stepName = properties[stepIndex].Name;
                var stepText = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                if (!ImportNumbers.TryParseStep(stepText, out step))
                {
                    into.Skip(where, $"step '{stepText}' is not a whole number 0..{int.MaxValue}");
                    return;
                }
            }

            var layer = Text(root, "layer");
            var role = ImportRoles.Normalize(Text(root, "role"));
            foreach (var property in root.EnumerateObject())
            {
                if ((stepName is not null && property.NameEquals(stepName)) || Is(property, "layer") || Is(property, "role")) continue;
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

    // What one file's lines share: the step named by the caller, the row count, and whether rows are the steps
    // (decided by the first object line).
    private sealed class LineState(string? requested)
    {
        public string? Requested { get; } = requested;
        public int Row { get; set; }
        public bool? RowSteps { get; set; }
    }
}
