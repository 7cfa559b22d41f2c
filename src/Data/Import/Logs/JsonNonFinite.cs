using System.Text;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Python's <c>json.dumps</c> writes non-finite floats as the bare words <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> (its default <c>allow_nan=True</c>), which strict JSON (and System.Text.Json) refuses. This turns
/// each such word standing as a value (after <c>:</c>, <c>,</c> or <c>[</c>, before <c>,</c>, <c>}</c>, <c>]</c> or
/// the end) into the string <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>, which the importer reads as a
/// number. Text inside strings is never touched; anything else stays as it is (and fails to parse, as before).
/// </summary>
public static class JsonNonFinite
{
    private static readonly string[] Words = ["-Infinity", "Infinity", "NaN"];

    /// <summary>The line with its bare non-finite words quoted; the same instance when it holds none.</summary>
    public static string Quote(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.Contains("NaN", StringComparison.Ordinal) && !line.Contains("Infinity", StringComparison.Ordinal)) return line;

        StringBuilder? output = null;
        var copied = 0; // characters of line already in output
        var inString = false;
        var previous = '\0'; // last non-space character outside strings
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inString)
            {
                if (c == '\\') i++; // an escape: the next character is never a closing quote
                else if (c == '"') (inString, previous) = (false, '"');
                continue;
            }
            if (c == '"')
            {
                inString = true;
                continue;
            }
            if (previous is ':' or ',' or '[' && WordAt(line, i) is { } word)
            {
                output ??= new StringBuilder(line.Length + 8);
                output.Append(line, copied, i - copied).Append('"').Append(word).Append('"');
                i += word.Length - 1;
                copied = i + 1;
                previous = '"';
                continue;
            }
            if (!char.IsWhiteSpace(c)) previous = c;
        }
        if (output is null) return line;
        return output.Append(line, copied, line.Length - copied).ToString();
    }

    // The word starting at i, when it ends where a JSON value ends.
    private static string? WordAt(string line, int i)
    {
        foreach (var word in Words)
        {
            if (string.CompareOrdinal(line, i, word, 0, word.Length) != 0) continue;
            var end = i + word.Length;
            if (end == line.Length || line[end] is ',' or '}' or ']' || char.IsWhiteSpace(line[end])) return word;
        }
        return null;
    }
}
