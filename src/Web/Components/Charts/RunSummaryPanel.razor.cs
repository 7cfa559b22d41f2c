using System.Globalization;
using Microsoft.AspNetCore.Components;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// What a run came to (<see cref="RunSummary"/>): losses, loss APE, saturation, forgetting and task scores. Fields that
/// do not apply to the run (no twin, no evaluation, no quantized input) show "–".
/// </summary>
public partial class RunSummaryPanel
{
    /// <summary>Shown for a value the run does not have.</summary>
    public const string Missing = "–";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The run's summary, as stored when it ended.</summary>
    [Parameter, EditorRequired] public RunSummary Summary { get; set; } = default!;

    private ForgettingSummary? Forgetting => Summary.Forgetting;

    /// <summary>A loss-like value to four significant digits; NaN and infinities by name (a diverged run has them).</summary>
    public static string Number(double? value) => value switch
    {
        null => Missing,
        { } v when double.IsNaN(v) => "NaN",
        { } v when double.IsInfinity(v) => v > 0 ? "∞" : "-∞",
        { } v => v.ToString("G4", Invariant),
    };

    /// <summary>A value already in percent, two decimals.</summary>
    public static string Fixed(double? percent) =>
        percent is { } v && double.IsFinite(v) ? v.ToString("0.00", Invariant) : Number(percent);

    /// <summary>A fraction (0..1) in percent, three significant digits (overflow fractions are often tiny).</summary>
    public static string Percent(double? fraction) =>
        fraction is { } v && double.IsFinite(v) ? (v * 100).ToString("G3", Invariant) : Number(fraction);

    /// <summary>An accuracy (0..1) to three decimals; NaN means "not scored" here, so it shows as missing.</summary>
    public static string Accuracy(double? value) =>
        value is { } v && !double.IsNaN(v) ? v.ToString("0.000", Invariant) : Missing;
}
