namespace QuantScope.Engine.Telemetry;

/// <summary>One task at the end: accuracy, length-normalised accuracy, the twin's accuracy and (base - quant) / base in percent.</summary>
public sealed record TaskSummary(string Name, double Acc, double AccNorm, double? BaselineAcc, double? RelativeDropPct)
{
    /// <summary>Items scored (both the run and its twin score the same items); null when not known (summaries stored before it existed).</summary>
    public int? Items { get; init; }

    /// <summary>(twin accuracy - accuracy) in percentage points; null without a twin.</summary>
    public double? DropPp { get; init; }

    /// <summary>
    /// Standard error of <see cref="DropPp"/>, percentage points. With the discordant counts (<see cref="TwinOnly"/>,
    /// <see cref="RunOnly"/>) it is the paired one (<see cref="PairedStdErrPp"/>): both models answer the same items,
    /// so only the items they disagree on carry noise. Without them (summaries stored before they existed) the binomial
    /// one of two independent samples (<see cref="StdErrPp"/>), which overstates it. A drop within about one of these
    /// is noise, not damage. Null without a twin or item count.
    /// </summary>
    public double? DropStdErrPp { get; init; }

    /// <summary>Items only the twin answered right (acc); null without a twin or before the count existed.</summary>
    public int? TwinOnly { get; init; }

    /// <summary>Items only the run answered right (acc); null without a twin or before the count existed.</summary>
    public int? RunOnly { get; init; }

    /// <summary><see cref="DropStdErrPp"/> relative to the twin's accuracy, percent (the unit of <see cref="RelativeDropPct"/>); null when that is null.</summary>
    public double? RelativeDropStdErrPct { get; init; }

    /// <summary>
    /// The paired standard error of the difference of two accuracies on the same <paramref name="n"/> items, percentage
    /// points: sqrt(b + c - (b - c)² / n) / n x 100, with <paramref name="twinOnly"/> = b and <paramref name="runOnly"/> = c
    /// the discordant items (the variance of the mean of the per-item differences, each +1, -1 or 0).
    /// </summary>
    public static double PairedStdErrPp(int twinOnly, int runOnly, int n) =>
        n <= 0 ? double.NaN : Math.Sqrt(Math.Max(0.0, twinOnly + runOnly - Math.Pow(twinOnly - runOnly, 2) / n)) / n * 100.0;

    /// <summary>The unpaired standard error for accuracies <paramref name="p1"/> and <paramref name="p2"/> (0..1) over <paramref name="n"/> items each, in percentage points.</summary>
    public static double StdErrPp(double p1, double p2, int n) =>
        n <= 0 ? double.NaN : Math.Sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n) * 100.0;
}
