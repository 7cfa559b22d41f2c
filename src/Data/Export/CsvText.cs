using System.Globalization;

namespace QuantScope.Data.Export;

/// <summary>RFC 4180 cells and round-trip number text shared by the CSV writers.</summary>
internal static class CsvText
{
    /// <summary>
    /// Quotes a cell that holds a comma, a quote or a line break; doubles inner quotes. A text cell that starts with
    /// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return (names from outside jobs) gets a leading
    /// <c>'</c>, so a spreadsheet shows it as text instead of running it as a formula. Numbers never pass here.
    /// </summary>
    public static string Cell(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r') text = "'" + text;
        return text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>The float in round-trip form ("R", invariant culture): parsing it gives the same float back.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An integer in invariant culture.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
