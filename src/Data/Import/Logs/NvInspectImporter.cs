using System.Text;
using System.Text.RegularExpressions;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// Reads Transformer Engine debug statistics logs (nvdlfw_inspect): lines such as
/// <c>model.layers.0.mlp.fc2_activation_underflows% iteration=000002 value=4.3188</c>, i.e.
/// <c>LAYER_TENSOR_STAT iteration=N value=V</c>, anywhere in the line (log prefixes are fine). The layer is everything
/// before the last <c>_TENSOR_</c>; tensors map to roles (activation → input, weight → weight, gradient → grad; others
/// keep their name) and stats to QuantScope metrics where one exists (<see cref="MapStat"/>). Other lines are ignored;
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

            var (metric, divisor) = MapStat(name.Groups["stat"].Value);
            into.AddLayer(step, metric, ImportRoles.Normalize(name.Groups["tensor"].Value), name.Groups["layer"].Value, value / divisor);
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
    /// A stat's metric name and the number its value is divided by: percentages become fractions
    /// (<c>underflows%</c> → underflowFraction ÷100, <c>overflows%</c> → overflowFraction ÷100), <c>cur_amax</c> → amax,
    /// <c>mse</c> → mse; any other stat (scale_inv_min, dynamic_range, std, l2_norm, ...) keeps its name.
    /// </summary>
    public static (string Metric, double Divisor) MapStat(string stat) => stat switch
    {
        "underflows%" => (MetricCatalog.UnderflowFraction, 100),
        "overflows%" => (MetricCatalog.OverflowFraction, 100),
        "cur_amax" => (MetricCatalog.Amax, 1),
        "mse" => (MetricCatalog.Mse, 1),
        _ => (stat, 1),
    };

    // (?<!\S): the name starts a token. Without it a long line with no match backtracked quadratically (found by
    // fuzzing: 29 KB without spaces took over 5 s); the leftmost match starts a token anyway, so nothing else changes.
    [GeneratedRegex(@"(?<!\S)(?<name>\S+)\s+iteration=(?<step>\S+)\s+value=(?<value>\S+)")]
    private static partial Regex LineRegex();

    // Greedy layer: the LAST _tensor_ splits, since stat names hold no tensor word but layer names might.
    [GeneratedRegex(@"^(?<layer>.+)_(?<tensor>activation|weight|gradient|output|wgrad|dgrad)_(?<stat>.+)$")]
    private static partial Regex NameRegex();
}
