using System.Text.Json;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Ingest;

/// <summary>
/// Validates a <see cref="MetricColumnsDto"/> completely before anything is written: column presence and types,
/// equal lengths, the point limit, and every element (errors name the field and index, e.g. <c>roles[4]</c>).
/// </summary>
public static class MetricColumnsReader
{
    /// <summary>Points one batch may carry at most (split bigger uploads; the Python client sends far fewer).</summary>
    public const int MaxPoints = 100_000;

    /// <summary>Longest metric or layer name accepted, characters.</summary>
    public const int MaxNameLength = 512;

    /// <summary>Field errors reported at most (the first ones; a batch wrong everywhere need not echo itself).</summary>
    public const int MaxErrors = 20;

    /// <summary>Parses and validates; exactly one of the results is set.</summary>
    public static (IReadOnlyList<IngestPoint>? Points, IReadOnlyList<ConfigError> Errors) Read(MetricColumnsDto? dto)
    {
        if (dto is null) return (null, [new ConfigError("$", "the body must be a JSON object with steps, names and values")]);
        var errors = new List<ConfigError>();
        foreach (var member in (dto.Unknown?.Keys ?? Enumerable.Empty<string>()).Take(MaxErrors))
            errors.Add(new ConfigError(member, "is not a known field: a batch has steps, names, values and optionally layers and roles"));
        if (errors.Count > 0) return (null, errors);
        var steps = Column(dto.Steps, "steps", required: true, errors);
        var names = Column(dto.Names, "names", required: true, errors);
        var values = Column(dto.Values, "values", required: true, errors);
        var layers = Column(dto.Layers, "layers", required: false, errors);
        var roles = Column(dto.Roles, "roles", required: false, errors);
        if (errors.Count > 0) return (null, errors);

        var count = steps!.Value.GetArrayLength();
        if (count > MaxPoints)
            return (null, [new ConfigError("steps", $"has {count} points; a batch holds at most {MaxPoints}: split it")]);
        foreach (var (column, field) in new[] { (names, "names"), (values, "values"), (layers, "layers"), (roles, "roles") })
        {
            if (column is { } c && c.GetArrayLength() != count)
                errors.Add(new ConfigError(field, $"has {c.GetArrayLength()} elements but steps has {count}: all columns must be the same length"));
        }
        if (errors.Count > 0) return (null, errors);

        var points = new IngestPoint[count];
        // Lockstep enumerators: linear whatever the elements are (indexing an array that holds objects walks it).
        var stepsAt = steps.Value.EnumerateArray();
        var namesAt = names!.Value.EnumerateArray();
        var valuesAt = values!.Value.EnumerateArray();
        // Enumerators are structs: kept in plain locals so MoveNext advances them (an absent column never moves).
        var layersAt = layers?.EnumerateArray() ?? default;
        var rolesAt = roles?.EnumerateArray() ?? default;
        var known = new NameCache(); // metric and layer names share the rules, so one cache serves both
        for (var i = 0; i < count && errors.Count < MaxErrors; i++)
        {
            stepsAt.MoveNext();
            namesAt.MoveNext();
            valuesAt.MoveNext();
            var step = ReadStep(stepsAt.Current, i, errors);
            var name = ReadName(namesAt.Current, "names", i, required: true, errors, known);
            var value = ReadValue(valuesAt.Current, i, errors);
            string? layer = null, role = null;
            if (layers is not null && layersAt.MoveNext()) layer = ReadName(layersAt.Current, "layers", i, required: false, errors, known);
            if (roles is not null && rolesAt.MoveNext()) role = ReadRole(rolesAt.Current, i, errors);
            if (layer is null && role is not null)
                errors.Add(new ConfigError($"roles[{i}]", $"must be null for a scalar point (layers[{i}] is null)"));
            if (layer is not null && name is not null && MetricCatalog.IsScalar(name))
                errors.Add(new ConfigError($"layers[{i}]", $"must be null: '{name}' is a per-step scalar metric"));
            if (layer is not null) role ??= TensorRoles.Input;
            points[i] = new IngestPoint(step, name ?? "", layer, role, value);
        }
        return errors.Count > 0 ? (null, errors.Take(MaxErrors).ToList()) : (points, []);
    }

    private static JsonElement? Column(JsonElement column, string field, bool required, List<ConfigError> errors)
    {
        if (column.ValueKind == JsonValueKind.Array) return column;
        if (column.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            if (required) errors.Add(new ConfigError(field, "is required (an array)"));
            return null;
        }
        errors.Add(new ConfigError(field, $"must be an array, not {column.ValueKind.ToString().ToLowerInvariant()}"));
        return null;
    }

    private static int ReadStep(JsonElement e, int i, List<ConfigError> errors)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var step) && step >= 0) return step;
        errors.Add(new ConfigError($"steps[{i}]", $"must be an integer from 0 to {int.MaxValue}, not {Show(e)}"));
        return 0;
    }

    private static string? ReadName(JsonElement e, string field, int i, bool required, List<ConfigError> errors, NameCache known)
    {
        if (e.ValueKind == JsonValueKind.Null && !required) return null;
        if (known.Find(e) is { } seen) return seen; // validated when first seen
        if (e.ValueKind == JsonValueKind.String && TextOf(e) is { } s && !string.IsNullOrWhiteSpace(s) && s.Length <= MaxNameLength)
        {
            if (!HasControlCharacter(s)) return known.Add(s);
            errors.Add(new ConfigError($"{field}[{i}]", "must not contain control characters (tabs, line breaks, escapes)"));
            return null;
        }
        var expected = required ? "a non-empty string" : "null or a non-empty string";
        errors.Add(new ConfigError($"{field}[{i}]", $"must be {expected} of at most {MaxNameLength} characters, not {Show(e)}"));
        return null;
    }

    private static string? ReadRole(JsonElement e, int i, List<ConfigError> errors)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        foreach (var known in TensorRoles.All)
        {
            if (e.ValueKind == JsonValueKind.String && TextIs(e, known)) return known; // no string made per point
        }
        var role = e.ValueKind == JsonValueKind.String ? TextOf(e) : null;
        if (TensorRoles.IsKnown(role)) return role;
        errors.Add(new ConfigError($"roles[{i}]",
            $"must be null, '{TensorRoles.Input}', '{TensorRoles.Weight}' or '{TensorRoles.GradOutput}', not {Show(e)}"));
        return null;
    }

    private static float ReadValue(JsonElement e, int i, List<ConfigError> errors)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number when e.TryGetDouble(out var d):
                var value = (float)d;
                if (float.IsFinite(value)) return value;
                // 1e39 would silently become +Infinity: values are stored as float32, so say so instead.
                errors.Add(new ConfigError($"values[{i}]", $"{Show(e)} is outside the float32 range (±{float.MaxValue:R}); send \"Infinity\" or \"-Infinity\" for an infinite value"));
                return float.NaN;
            case JsonValueKind.Null:
                return float.NaN; // Python's json writes NaN as a bare token that JSON forbids: clients send null
            case JsonValueKind.String when TextOf(e) is "NaN" or "Infinity" or "-Infinity":
                return float.Parse(TextOf(e)!, System.Globalization.CultureInfo.InvariantCulture);
            default:
                errors.Add(new ConfigError($"values[{i}]", $"must be a number, null, \"NaN\", \"Infinity\" or \"-Infinity\", not {Show(e)}"));
                return float.NaN;
        }
    }

    /// <summary>True when <paramref name="name"/> holds a control character (C0, DEL or C1): names land in CSV cells, logs and pages.</summary>
    public static bool HasControlCharacter(string name) => name.Any(char.IsControl);

    private static string Show(JsonElement e)
    {
        string text;
        try
        {
            text = e.GetRawText();
        }
        catch (InvalidOperationException)
        {
            return "text that is not valid UTF-8";
        }
        return text.Length <= 40 ? text : text[..40] + "...";
    }

    // ValueEquals unescapes too, and throws on an escaped lone surrogate (found by the long fuzz run): not equal then.
    private static bool TextIs(JsonElement e, string text)
    {
        try
        {
            return e.ValueEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Invalid UTF-8 or an escaped lone surrogate inside a string throws when read (found by fuzzing): null = not text.
    private static string? TextOf(JsonElement e)
    {
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
