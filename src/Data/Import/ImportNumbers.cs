using System.Globalization;
using System.Text.RegularExpressions;

namespace QuantScope.Data.Import;

/// <summary>Number parsing shared by the text importers: steps, plain values, and the loose values of free-form logs.</summary>
public static partial class ImportNumbers
{
    /// <summary>
    /// Step column or key names, matched ignoring case, in order of preference: when a file has several (Lightning's
    /// <c>metrics.csv</c> has <c>epoch</c> and <c>step</c>; W&amp;B exports <c>_step</c> and <c>trainer/global_step</c>),
    /// the first of this list is the step and the others stay metrics. <c>epoch</c> comes last: it is the step only of
    /// files that count nothing finer (Keras <c>CSVLogger</c>, YOLOv5 <c>results.csv</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> StepNames =
        ["step", "global_step", "trainer/global_step", "iteration", "iter", "it", "_step", "epoch"];

    /// <summary>True when <paramref name="name"/> is one of <see cref="StepNames"/>.</summary>
    public static bool IsStepName(string name) => StepRank(name) >= 0;

    /// <summary>The position of <paramref name="name"/> (trimmed, any case) in <see cref="StepNames"/>; -1 when it is none.</summary>
    public static int StepRank(string name)
    {
        var trimmed = name.Trim();
        for (var i = 0; i < StepNames.Count; i++)
        {
            if (trimmed.Equals(StepNames[i], StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    /// <summary>
    /// The index of the step among <paramref name="names"/>: the one equal to <paramref name="requested"/> (trimmed, any
    /// case) when given, else the most preferred of <see cref="StepNames"/>; -1 when there is none.
    /// </summary>
    public static int FindStep(IReadOnlyList<string> names, string? requested)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (!string.IsNullOrWhiteSpace(requested))
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i].Trim().Equals(requested.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
            }
            return -1;
        }
        var best = -1;
        var bestRank = int.MaxValue;
        for (var i = 0; i < names.Count; i++)
        {
            var rank = StepRank(names[i]);
            if (rank >= 0 && rank < bestRank) (best, bestRank) = (i, rank);
        }
        return best;
    }

    /// <summary>
    /// A step: a whole number 0..int.MaxValue, leading zeros and thousands separators allowed (<c>000002</c>,
    /// <c>1,024</c>); <c>N/M</c> (step of total) reads as N; a float with no fraction (<c>12.0</c>) is accepted.
    /// </summary>
    public static bool TryParseStep(string text, out int step)
    {
        step = 0;
        var s = text.Trim().TrimEnd(',', ';', ')', ']');
        var slash = s.IndexOf('/');
        if (slash > 0) s = s[..slash];
        if (ThousandsRegex().IsMatch(s)) s = s.Replace(",", "", StringComparison.Ordinal);
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var whole))
        {
            if (whole > int.MaxValue) return false;
            step = (int)whole;
            return true;
        }
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && d >= 0 && d <= int.MaxValue && d == Math.Floor(d))
        {
            step = (int)d;
            return true;
        }
        return false;
    }

    /// <summary>A plain number (invariant culture); <c>nan</c>, <c>inf</c>, <c>-inf</c>, <c>Infinity</c> in any case too.</summary>
    public static bool TryParseValue(string text, out double value)
    {
        var s = text.Trim();
        if (TryParseSpecial(s, out value)) return true;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// A value of a free-form log: thousands separators (<c>1,024</c>), SI suffixes k K M G T P (<c>1.05M</c>,
    /// <c>3.2k</c>, <c>4G</c>; also before <c>/</c>, as in <c>1.2M/s</c>) and units (<c>8.77s</c>, <c>12ms</c>,
    /// <c>3.1%</c>: the number is taken). Trailing <c>,;)]}</c> are dropped. False for anything else
    /// (<c>train</c>, <c>2024-01-01</c>, <c>0x1F</c>).
    /// </summary>
    public static bool TryParseLoose(string text, out double value)
    {
        value = 0;
        var s = text.Trim().TrimEnd(',', ';', ')', ']', '}').TrimStart('(', '[');
        if (TryParseSpecial(s, out value)) return true;
        var match = LooseRegex().Match(s);
        if (!match.Success) return false;
        var number = match.Groups["num"].Value.Replace(",", "", StringComparison.Ordinal);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        var rest = match.Groups["rest"].Value;
        if (rest.Length > 0 && Multiplier(rest[0]) is { } factor && (rest.Length == 1 || rest[1] == '/'))
        {
            value *= factor;
            rest = rest[1..];
        }
        return UnitRegex().IsMatch(rest);
    }

    private static double? Multiplier(char c) => c switch
    {
        'k' or 'K' => 1e3,
        'M' => 1e6,
        'G' => 1e9,
        'T' => 1e12,
        'P' => 1e15,
        _ => null,
    };

    private static bool TryParseSpecial(string s, out double value)
    {
        value = s.ToLowerInvariant() switch
        {
            "nan" or "+nan" or "-nan" => double.NaN,
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => 0,
        };
        return value != 0;
    }

    [GeneratedRegex(@"^\d{1,3}(,\d{3})+$")]
    private static partial Regex ThousandsRegex();

    [GeneratedRegex(@"^(?<num>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?)(?<rest>.*)$")]
    private static partial Regex LooseRegex();

    // What may follow the number: a unit made of letters, %, µ and / (s, ms, %, tok/s), or nothing.
    [GeneratedRegex(@"^[A-Za-z%µ/]*$")]
    private static partial Regex UnitRegex();
}
