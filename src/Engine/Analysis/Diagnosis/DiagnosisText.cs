using System.Globalization;

namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>Number formatting and small statistics shared by the detectors (invariant culture, so evidence reads the same everywhere).</summary>
internal static class DiagnosisText
{
    /// <summary>
    /// A fraction as a percentage with digits enough to be true: 17 %, 1.7 %, 0.016 %, 0.00020 % (two significant
    /// digits below 0.1 %, so a small share never reads as "0.0 %"); exactly 0 is "0 %".
    /// </summary>
    public static string Pct(double fraction)
    {
        var pct = fraction * 100;
        if (pct == 0 || !double.IsFinite(pct)) return pct.ToString(CultureInfo.InvariantCulture) + " %";
        if (Math.Abs(pct) >= 0.1) return pct.ToString(fraction < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + " %";
        var decimals = Math.Min(12, 1 - (int)Math.Floor(Math.Log10(Math.Abs(pct))));
        return pct.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %";
    }

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
