using System.Text.Json;

namespace QuantScope.Engine.Data;

/// <summary>
/// Reads a user multiple-choice task from JSONL: one <c>{"context": "...", "choices": ["...", ...], "gold": i}</c>
/// object per line (blank lines skipped, other properties ignored). Every problem is reported with its line number
/// and field, because these files are written by hand.
/// </summary>
public static class McTaskReader
{
    /// <summary>Reads <paramref name="path"/>; the task is named after the file without its extension.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="FormatException">A line is not a valid item (message names the line and the field).</exception>
    /// <exception cref="InvalidDataException">The file has no items.</exception>
    public static McTask Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Task file not found: {path}", path);
        return Parse(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path), Path.GetFileName(path));
    }

    /// <summary>Parses JSONL text into a task called <paramref name="name"/>.</summary>
    /// <param name="name">Task name.</param>
    /// <param name="jsonl">The file content.</param>
    /// <param name="source">How errors refer to the input, e.g. the file name.</param>
    /// <exception cref="FormatException">A line is not a valid item (message names the line and the field).</exception>
    /// <exception cref="InvalidDataException">The text has no items.</exception>
    public static McTask Parse(string name, string jsonl, string source = "task")
    {
        var items = new List<McItem>();
        var lines = jsonl.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length > 0) items.Add(ParseLine(line, $"{source} line {i + 1}"));
        }

        if (items.Count == 0) throw new InvalidDataException($"{source} has no items: expected one JSON object per line.");
        return new McTask(name, items);
    }

    private static McItem ParseLine(string line, string where)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{where}: invalid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: expected a JSON object, got {root.ValueKind}.");

            if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.String || context.GetString()!.Length == 0)
                throw new FormatException($"{where}: field 'context' is missing or not a non-empty string.");

            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
                throw new FormatException($"{where}: field 'choices' is missing or not an array.");
            var texts = new List<string>();
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind != JsonValueKind.String || choice.GetString()!.Length == 0)
                    throw new FormatException($"{where}: field 'choices' item {texts.Count} is not a non-empty string.");
                texts.Add(choice.GetString()!);
            }

            if (texts.Count < 2) throw new FormatException($"{where}: field 'choices' has {texts.Count} choice(s), at least 2 are needed.");

            if (!root.TryGetProperty("gold", out var gold) || gold.ValueKind != JsonValueKind.Number || !gold.TryGetInt32(out var goldIndex))
                throw new FormatException($"{where}: field 'gold' is missing or not an integer.");
            if (goldIndex < 0 || goldIndex >= texts.Count)
                throw new FormatException($"{where}: field 'gold' is {goldIndex}, out of range 0..{texts.Count - 1}.");

            return new McItem(context.GetString()!, texts, goldIndex);
        }
    }
}
