using System.Text;
using System.Text.RegularExpressions;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads free-form training logs: a line with <c>step=N</c> (or <c>step=N/M</c>; also <c>iter</c>, <c>iteration</c>,
/// <c>global_step</c>) contributes its other <c>name=value</c> pairs (separated by spaces or <c>|</c>) as scalars.
/// Values are read loosely (<see cref="ImportNumbers.TryParseLoose"/>: <c>1,024</c>, <c>1.05M</c>, <c>8.77s</c>,
/// <c>3.1%</c>); non-numeric values are ignored, and so are lines without a step. A step that does not parse skips
/// its line.
/// </summary>
public static partial class KvLogImporter
{
    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct)
    {
        foreach (var (number, line) in LogLines.Read(stream, ct)) ReadLine(line, number, into);
    }

    /// <summary>True when some line of <paramref name="text"/> carries a step pair (what the sniffer looks for).</summary>
    public static bool HasStepPair(string text) =>
        PairRegex().Matches(text).Any(m => ImportNumbers.IsStepName(m.Groups["name"].Value));

    private static void ReadLine(string line, int lineNumber, ImportedSeries into)
    {
        var pairs = PairRegex().Matches(line);
        var stepPair = pairs.FirstOrDefault(m => ImportNumbers.IsStepName(m.Groups["name"].Value));
        if (stepPair is null) return; // not a metrics line: log noise

        var stepText = stepPair.Groups["value"].Value;
        if (!ImportNumbers.TryParseStep(stepText, out var step))
        {
            into.Skip($"line {lineNumber}", $"step '{stepText}' is not a whole number 0..{int.MaxValue}");
            return;
        }

        foreach (Match pair in pairs)
        {
            if (pair == stepPair || ImportNumbers.IsStepName(pair.Groups["name"].Value)) continue;
            if (ImportNumbers.TryParseLoose(pair.Groups["value"].Value, out var value))
                into.AddScalar(step, pair.Groups["name"].Value, value);
        }
    }

    // name=value with no spaces around '='; a name starts a token (not inside another word or value).
    [GeneratedRegex(@"(?<![\w.\-/=])(?<name>[A-Za-z_][\w.\-/]*)=(?<value>[^\s|=]+)")]
    private static partial Regex PairRegex();
}
