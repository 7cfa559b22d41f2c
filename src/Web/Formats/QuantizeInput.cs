using System.Globalization;

namespace QuantScope.Web.Formats;

/// <summary>Values pasted on the formats page: one per line or comma separated.</summary>
/// <param name="Values">Every value that parsed, in order.</param>
/// <param name="Errors">One message per item that did not parse, naming its line.</param>
public sealed record QuantizeInput(IReadOnlyList<double> Values, IReadOnlyList<string> Errors)
{
    /// <summary>
    /// Parses invariant-culture numbers ("1e-3", "NaN", "Infinity", "-Infinity"); blank items are skipped,
    /// unparseable ones reported as "line N: 'text' is not a number".
    /// </summary>
    public static QuantizeInput Parse(string? text)
    {
        var values = new List<double>();
        var errors = new List<string>();
        var lines = (text ?? "").Split('\n');
        for (var line = 0; line < lines.Length; line++)
        {
            foreach (var raw in lines[line].Split(','))
            {
                var item = raw.Trim();
                if (item.Length == 0) continue;
                if (double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) values.Add(v);
                else errors.Add($"line {line + 1}: '{item}' is not a number");
            }
        }
        return new QuantizeInput(values, errors);
    }
}
