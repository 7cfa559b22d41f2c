namespace QuantScope.Engine.Analysis.Diagnosis;

/// <summary>
/// Robust trend statistics of a short series (pure functions): the Mann-Kendall test for a monotonic trend and the
/// Theil-Sen slope. Both use only the order of pairs, so one spike cannot fake a trend.
/// </summary>
public static class Trend
{
    /// <summary>
    /// The Mann-Kendall statistic S = Σ_{i&lt;j} sign(y_j − y_i) and its normal score
    /// Z = (S − sign(S)) / √(n(n−1)(2n+5)/18) (continuity-corrected, no tie correction). Z above 2.33 is a rising trend
    /// at one-sided p &lt; 0.01. Z is 0 for fewer than 3 points.
    /// </summary>
    public static (int S, double Z) MannKendall(IReadOnlyList<double> y)
    {
        var s = 0;
        for (var i = 0; i < y.Count; i++)
            for (var j = i + 1; j < y.Count; j++)
                s += Math.Sign(y[j] - y[i]);
        var n = y.Count;
        if (n < 3) return (s, 0);
        var variance = n * (n - 1.0) * (2 * n + 5) / 18.0;
        return (s, (s - Math.Sign(s)) / Math.Sqrt(variance));
    }

    /// <summary>
    /// The Theil-Sen line through (x, y): slope = median of the pairwise slopes (y_j − y_i) / (x_j − x_i) over pairs with
    /// x_i ≠ x_j; <c>Start</c> = the line's value at the first x, median of y_i − slope·(x_i − x_0). NaN slope when all x
    /// are equal or there are fewer than two points.
    /// </summary>
    public static (double Slope, double Start) TheilSen(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y must have the same length", nameof(y));
        var slopes = new List<double>();
        for (var i = 0; i < x.Count; i++)
            for (var j = i + 1; j < x.Count; j++)
                if (x[j] != x[i]) slopes.Add((y[j] - y[i]) / (x[j] - x[i]));
        if (slopes.Count == 0) return (double.NaN, double.NaN);
        var slope = DiagnosisText.Median(slopes);
        var start = DiagnosisText.Median(Enumerable.Range(0, x.Count).Select(i => y[i] - slope * (x[i] - x[0])));
        return (slope, start);
    }
}
