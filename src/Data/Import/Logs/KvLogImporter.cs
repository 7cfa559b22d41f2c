using System.Text.RegularExpressions;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads free-form training logs: a line with a step pair (<c>step=N</c> or <c>step=N/M</c>; any of
/// <see cref="ImportNumbers.StepNames"/>, the most preferred winning, or the name the caller gives) contributes its
/// other <c>name=value</c> pairs (separated by spaces, <c>|</c> or <c>,</c>) as scalars. The indented lines right
/// below such a line belong to its step (OLMo writes <c>[step=120/15000]</c> and then one <c>    name=value</c> a
/// line); the first line that is not indented ends that block. Values are read loosely
/// (<see cref="ImportNumbers.TryParseLoose"/>: <c>1,024</c>, <c>1.05M</c>, <c>8.77s</c>, <c>3.1%</c>); non-numeric
/// values are ignored, and so are other lines. A step that does not parse skips its line (and its block).
/// </summary>
public static partial class KvLogImporter
{
    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>, finding the step pair by name.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct) => Read(stream, into, null, ct);

    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>; <paramref name="stepName"/> names the step pair (null: find it).</summary>
    public static void Read(Stream stream, ImportedSeries into, string? stepName, CancellationToken ct)
    {
        var requested = string.IsNullOrWhiteSpace(stepName) ? null : stepName.Trim();
        int? blockStep = null; // the step of the header line above, while the lines stay indented
        foreach (var (number, line) in LogLines.Read(stream, ct))
        {
            var pairs = PairRegex().Matches(line);
            var names = pairs.Select(m => m.Groups["name"].Value).ToArray();
            var stepIndex = ImportNumbers.FindStep(names, requested);
            if (stepIndex >= 0)
            {
                blockStep = ReadStepLine(pairs, stepIndex, number, into);
                continue;
            }
            if (line.Length == 0 || !char.IsWhiteSpace(line[0]))
            {
                blockStep = null; // an unindented line: the block (if any) is over
                continue;
            }
            if (blockStep is { } step) AddPairs(pairs, skip: null, step, into);
        }
    }

    /// <summary>
    /// How sure the sniffer may be that <paramref name="lines"/> are a key=value log: 0 without a step pair; 0.5 with
    /// step pairs (any log may hold a <c>step=</c>: other formats that fit better win); 0.7 when indented
    /// <c>name=value</c> lines follow a step line (OLMo blocks), a shape no other format has.
    /// </summary>
    public static double Confidence(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var afterStep = false;
        var stepLines = 0;
        foreach (var line in lines)
        {
            var pairs = PairRegex().Matches(line);
            if (pairs.Any(m => ImportNumbers.IsStepName(m.Groups["name"].Value)))
            {
                stepLines++;
                afterStep = true;
            }
            else if (afterStep && line.Length > 0 && char.IsWhiteSpace(line[0]) && pairs.Count > 0) return 0.7;
            else afterStep = false;
        }
        return stepLines > 0 ? 0.5 : 0;
    }

    private static int? ReadStepLine(MatchCollection pairs, int stepIndex, int lineNumber, ImportedSeries into)
    {
        var stepText = pairs[stepIndex].Groups["value"].Value;
        if (!ImportNumbers.TryParseStep(stepText, out var step))
        {
            into.Skip($"line {lineNumber}", $"step '{stepText}' is not a whole number 0..{int.MaxValue}");
            return null;
        }
        AddPairs(pairs, pairs[stepIndex], step, into);
        return step;
    }

    private static void AddPairs(MatchCollection pairs, Match? skip, int step, ImportedSeries into)
    {
        foreach (Match pair in pairs)
        {
            if (pair == skip || ImportNumbers.IsStepName(pair.Groups["name"].Value)) continue;
            if (ImportNumbers.TryParseLoose(pair.Groups["value"].Value, out var value))
                into.AddScalar(step, pair.Groups["name"].Value, value);
        }
    }

    // name=value with no spaces around '='; a name starts a token (not inside another word or value). A value ends
    // at a space, '|', '=' or a comma not followed by a digit (so 1,024 stays whole and step=1/10,epoch=0 splits).
    [GeneratedRegex(@"(?<![\w.\-/=])(?<name>[A-Za-z_][\w.\-/]*)=(?<value>(?:[^\s|=,]|,(?=\d))+)")]
    private static partial Regex PairRegex();
}
