using System.Text;
using System.Text.RegularExpressions;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads Transformer Engine debug statistics logs (nvdlfw_inspect): lines such as
/// <c>model.layers.0.mlp.fc2_activation_underflows% iteration=000002 value=4.3188</c>, i.e.
/// <c>LAYER_TENSOR_STAT iteration=N value=V</c>, anywhere in the line (log prefixes are fine). The layer is everything
/// before the last <c>_TENSOR_</c>; tensors map to roles (activation → input, weight → weight, gradient → grad; others
/// keep their name) and stats to QuantScope metrics where one exists (<see cref="TeStatName"/>: recipe-prefixed stats
/// such as <c>mxfp8_underflows%</c> become what-if metrics of that recipe, <c>_columnwise</c> a role variant). Other lines are ignored;
/// a stats line whose name or value does not parse is skipped.
/// </summary>
public static partial class NvInspectImporter
{
    /// <summary>Reads <paramref name="stream"/> into <paramref name="into"/>.</summary>
    public static void Read(Stream stream, ImportedSeries into, CancellationToken ct)
    {
        foreach (var (lineNumber, line) in LogLines.Read(stream, ct))
        {
            if (!line.Contains("iteration=", StringComparison.Ordinal)) continue; // cheap: most lines of a log are not stats
            var match = LineRegex().Match(line);
            if (!match.Success) continue;
            var where = $"line {lineNumber}";
            var name = NameRegex().Match(match.Groups["name"].Value);
            if (!name.Success)
            {
                into.Skip(where, $"'{match.Groups["name"].Value}' names no tensor (activation, weight, gradient, ...)");
                continue;
            }
            if (!ImportNumbers.TryParseStep(match.Groups["step"].Value, out var step))
            {
                into.Skip(where, $"iteration '{match.Groups["step"].Value}' is not a whole number 0..{int.MaxValue}");
                continue;
            }
            if (!ImportNumbers.TryParseValue(match.Groups["value"].Value, out var value))
            {
                into.Skip(where, $"value '{match.Groups["value"].Value}' is not a number");
                continue;
            }

            var mapped = TeStatName.Map(name.Groups["stat"].Value, ImportRoles.Normalize(name.Groups["tensor"].Value));
            into.AddLayer(step, mapped.Metric, mapped.Role, name.Groups["layer"].Value, value / mapped.Divisor);
        }
    }

    /// <summary>True when <paramref name="line"/> is a statistics line (what the sniffer looks for).</summary>
    public static bool IsStatsLine(string line) => LineRegex().Match(line) is { Success: true } m && NameRegex().IsMatch(m.Groups["name"].Value);

    /// <summary>How sure the sniffer may be that <paramref name="lines"/> are TE debug statistics: 0.95 with a stats line, else 0.</summary>
    public static double Confidence(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.Any(IsStatsLine) ? 0.95 : 0;
    }

    /// <summary>
    /// A stat's metric name and the number its value is divided by, recipe prefix and <c>_columnwise</c> aside
    /// (<see cref="TeStatName.Base"/>): percentages become fractions, TE's names become the catalogue's.
    /// </summary>
    public static (string Metric, double Divisor) MapStat(string stat) => TeStatName.Base(stat);

    // (?<!\S): the name starts a token. Without it a long line with no match backtracked quadratically (found by
    // fuzzing: 29 KB without spaces took over 5 s); the leftmost match starts a token anyway, so nothing else changes.
    [GeneratedRegex(@"(?<!\S)(?<name>\S+)\s+iteration=(?<step>\S+)\s+value=(?<value>\S+)")]
    private static partial Regex LineRegex();

    // Greedy layer: the LAST _tensor_ splits, since stat names hold no tensor word but layer names might.
    [GeneratedRegex(@"^(?<layer>.+)_(?<tensor>activation|weight|gradient|output|wgrad|dgrad)_(?<stat>.+)$")]
    private static partial Regex NameRegex();
}
