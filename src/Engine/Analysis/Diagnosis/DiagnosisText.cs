using System.Globalization;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>Number formatting and small statistics shared by the detectors (invariant culture, so evidence reads the same everywhere).</summary>
internal static class DiagnosisText
{
    public static string Pct(double fraction) => (fraction * 100).ToString(fraction < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + " %";

    public static string Num(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string List(IEnumerable<string> items, int max)
    {
        var all = items.ToArray();
        return string.Join(", ", all.Take(max)) + (all.Length > max ? $" and {all.Length - max} more" : "");
    }
}
