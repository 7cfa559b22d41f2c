namespace QuantScope.Engine.Telemetry;

/// <summary>One task at the end: accuracy, length-normalised accuracy, the twin's accuracy and (base - quant) / base in percent.</summary>
public sealed record TaskSummary(string Name, double Acc, double AccNorm, double? BaselineAcc, double? RelativeDropPct)
{
    /// <summary>Items scored (both the run and its twin score the same items); null when not known (summaries stored before it existed).</summary>
    public int? Items { get; init; }

    /// <summary>(twin accuracy - accuracy) in percentage points; null without a twin.</summary>
    public double? DropPp { get; init; }

    /// <summary>
    /// Binomial standard error of <see cref="DropPp"/>, percentage points: sqrt(p1 (1 - p1) / n + p2 (1 - p2) / n) x 100
    /// for the two accuracies over n items each (treated as independent samples, which overstates it for paired runs
    /// on the same items: a drop within about one of these is noise, not damage). Null without a twin or item count.
    /// </summary>
    public double? DropStdErrPp { get; init; }

    /// <summary><see cref="DropStdErrPp"/> relative to the twin's accuracy, percent (the unit of <see cref="RelativeDropPct"/>); null when that is null.</summary>
    public double? RelativeDropStdErrPct { get; init; }

    /// <summary>The standard error above for accuracies <paramref name="p1"/> and <paramref name="p2"/> (0..1) over <paramref name="n"/> items each, in percentage points.</summary>
    public static double StdErrPp(double p1, double p2, int n) =>
        n <= 0 ? double.NaN : Math.Sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n) * 100.0;
}
