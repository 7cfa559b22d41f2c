using System.Globalization;

namespace QuantScope.Engine.Numerics;

/// <summary>
/// The bins of the magnitude histogram (<c>magHist.*</c>) a format's scaled values are counted into, and the format's
/// own dynamic range (pure, host-side). A format's power-of-two bins run from the exponent of its smallest subnormal
/// (<see cref="MinExponent"/>) to the exponent of its max (<see cref="MaxExponent"/>); below them sit <c>zero</c> and
/// <c>under</c>, above them <c>over</c>. Block formats (MX, NVFP4, INT-n) are binned in units of their block scale
/// (the element grid), per-tensor formats (FP8, HiF8) in units of the tensor scale.
/// </summary>
public static class MagnitudeBins
{
    /// <summary>Prefix of the histogram's metrics.</summary>
    public const string Prefix = Telemetry.MetricCatalog.MagHistPrefix;

    /// <summary>Metric of the exact-zero bin.</summary>
    public const string Zero = Prefix + "zero";

    /// <summary>Metric of the nonzero-below-the-smallest-subnormal bin.</summary>
    public const string Under = Prefix + "under";

    /// <summary>Metric of the above-the-max bin (NaN and ±inf included).</summary>
    public const string Over = Prefix + "over";

    /// <summary>Smallest power-of-two bin of any known format (HiF8's 2^-22).</summary>
    public static int UnionMinExponent { get; } = KnownFormats().Min(MinExponent);

    /// <summary>Largest power-of-two bin of any known format (E5M2's and HiF8's 2^15).</summary>
    public static int UnionMaxExponent { get; } = KnownFormats().Max(MaxExponent);

    /// <summary>The metric of power-of-two bin <paramref name="k"/>: <c>magHist.e{k}</c> (<c>magHist.e-9</c>, <c>magHist.e8</c>).</summary>
    public static string ExponentMetric(int k) => Prefix + "e" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every histogram metric any format can fill, in bin order: zero, under, e{min}..e{max} of the union, over.</summary>
    public static IReadOnlyList<string> AllMetrics { get; } =
        [Zero, Under, .. Enumerable.Range(UnionMinExponent, UnionMaxExponent - UnionMinExponent + 1).Select(ExponentMetric), Over];

    /// <summary>floor(log2(smallest subnormal)): the lowest power-of-two bin of <paramref name="format"/>.</summary>
    public static int MinExponent(INumberFormat format) => (int)Math.Floor(Math.Log2(format.MinSubnormal));

    /// <summary>floor(log2(max)): the highest power-of-two bin of <paramref name="format"/>.</summary>
    public static int MaxExponent(INumberFormat format) => (int)Math.Floor(Math.Log2(format.MaxValue));

    /// <summary>
    /// The format's own dynamic range in binades: log2(max) - log2(smallest subnormal), the yardstick of the
    /// <c>dynamicRange</c> metric (E4M3 17.81, E5M2 31.81, E2M1 / NVFP4 / MXFP4 3.58, HiF8 37, INT8 6.99).
    /// </summary>
    public static double DynamicRangeBinades(INumberFormat format) => Math.Log2(format.MaxValue) - Math.Log2(format.MinSubnormal);

    /// <summary>The bins of format <paramref name="name"/>, in ascending order (zero, under, e{min}..e{max}, over).</summary>
    public static IReadOnlyList<MagnitudeBin> For(FormatName name) => For(name.Format);

    /// <summary>The bins of <paramref name="format"/>, in ascending order (zero, under, e{min}..e{max}, over).</summary>
    public static IReadOnlyList<MagnitudeBin> For(INumberFormat format)
    {
        var min = MinExponent(format);
        var max = MaxExponent(format);
        var above = Math.BitIncrement(format.MaxValue);
        var bins = new List<MagnitudeBin>
        {
            new(Zero, null, 0, double.Epsilon, true),
            new(Under, null, double.Epsilon, Math.ScaleB(1, min), false),
        };
        for (var k = min; k <= max; k++)
            bins.Add(new(ExponentMetric(k), k, Math.ScaleB(1, k), k == max ? above : Math.ScaleB(1, k + 1), true));
        bins.Add(new(Over, null, above, double.PositiveInfinity, false));
        return bins;
    }

    /// <summary>
    /// Float32 thresholds for a right-closed bucketize of |v|: bin b holds t[b-1] ≤ |v| &lt; t[b], so bin 0 is zero,
    /// bin 1 under, bins 2.. the powers of two, the last over (NaN sorts above every threshold and lands there too).
    /// </summary>
    public static float[] Thresholds(INumberFormat format)
    {
        var min = MinExponent(format);
        var max = MaxExponent(format);
        var t = new List<float> { float.Epsilon };
        for (var k = min; k <= max; k++) t.Add(MathF.ScaleB(1f, k));
        t.Add(MathF.BitIncrement((float)format.MaxValue)); // |v| above the max: over
        return [.. t];
    }

    /// <summary>Column of <paramref name="metric"/> in <see cref="AllMetrics"/>.</summary>
    public static int IndexOf(string metric)
    {
        for (var i = 0; i < AllMetrics.Count; i++)
            if (AllMetrics[i] == metric) return i;
        throw new ArgumentException($"'{metric}' is not a magnitude-histogram bin.", nameof(metric));
    }

    private static IEnumerable<INumberFormat> KnownFormats() => NumberFormats.Names.Select(NumberFormats.Get);
}
