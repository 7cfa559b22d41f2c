using System.Globalization;

namespace QuantScope.Web.Studies;

/// <summary>Numbers on the study page, with enough digits to be true (0.016 % is not "0.0 %").</summary>
public static class StudyFormat
{
    /// <summary>Shown for a figure the run does not have (yet).</summary>
    public const string Missing = "–";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A value in percent: two decimals from 1 % up, three significant digits below (0.0163 %), with the sign.</summary>
    public static string Percent(double? percent) => percent is { } v && double.IsFinite(v) ? Value(v) + " %" : Missing;

    /// <summary>A fraction (0..1) in percent, as <see cref="Percent"/>.</summary>
    public static string FractionPercent(double? fraction) => Percent(fraction * 100);

    /// <summary>A figure: two decimals from 1 up (in magnitude), three significant digits below; 0 as "0".</summary>
    public static string Value(double value) => value switch
    {
        0 => "0",
        _ when !double.IsFinite(value) => double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞",
        _ when Math.Abs(value) >= 1 => value.ToString("0.00", Invariant),
        _ => value.ToString("G3", Invariant),
    };

    /// <summary>
    /// A task drop with its standard error, item count and discordant items where the summary has them:
    /// "0.52 ± 0.31 % (720 items; 5 lost, 2 gained)" (lost: right for the twin only; gained: right for the run only),
    /// "0.52 ± 0.31 % (720 items)", "0.52 ± 0.31 %", "0.52 % (720 items)" or "0.52 %".
    /// </summary>
    public static string Drop(double? dropPct, double? sePct, int? items = null, int? lost = null, int? gained = null)
    {
        if (dropPct is not { } d || !double.IsFinite(d)) return Missing;
        var drop = sePct is { } se && double.IsFinite(se) ? $"{Value(d)} ± {Value(se)} %" : Percent(d);
        if (items is not { } n) return drop;
        var flips = lost is { } l && gained is { } g ? $"; {l.ToString(Invariant)} lost, {g.ToString(Invariant)} gained" : "";
        return $"{drop} ({n.ToString(Invariant)} items{flips})";
    }
}
