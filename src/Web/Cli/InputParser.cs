using System.Globalization;

namespace QuantScope.Web.Cli;

/// <summary>Parses the <c>quantize</c> verb's input: one number a line, invariant culture.</summary>
public static class InputParser
{
    /// <summary>
    /// Parses a trimmed line: decimal or exponent notation, or NaN / Infinity / -Infinity / inf / -inf / +inf
    /// (case-insensitive).
    /// </summary>
    public static bool TryParse(string text, out double value)
    {
        var s = text.Trim();
        switch (s.ToLowerInvariant())
        {
            case "nan" or "+nan" or "-nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Reads every line; blank lines are skipped. Returns the values, or an error naming the first bad line (1-based,
    /// counting blank lines) and nothing else.
    /// </summary>
    public static (List<double> Values, string? Error) ReadAll(TextReader reader)
    {
        var values = new List<double>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!TryParse(line, out var v))
                return ([], $"line {lineNumber}: cannot parse '{line.Trim()}' as a number");
            values.Add(v);
        }

        return (values, null);
    }
}
