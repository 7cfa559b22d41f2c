using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// One bin of the magnitude histogram, parsed from its metric name: <c>magHist.zero</c> (exact zeros),
/// <c>magHist.under</c> (below the smallest subnormal), <c>magHist.e{k}</c> (|x| in [2^k, 2^(k+1))) or
/// <c>magHist.over</c> (above the format's max). <see cref="Rank"/> orders them left to right.
/// </summary>
/// <param name="Metric">The metric name.</param>
/// <param name="Exponent">k for an exponent bin; null for zero, under and over.</param>
/// <param name="Rank">Sort key: zero, under, exponents ascending, over.</param>
public sealed record MagnitudeBin(string Metric, int? Exponent, int Rank)
{
    private const int Edge = 100_000;

    /// <summary>Parses a bin name; false for any other metric.</summary>
    public static bool TryParse(string metric, [NotNullWhen(true)] out MagnitudeBin? bin)
    {
        bin = null;
        if (!metric.StartsWith(MetricCatalog.MagHistPrefix, StringComparison.Ordinal)) return false;
        var rest = metric[MetricCatalog.MagHistPrefix.Length..];
        bin = rest switch
        {
            "zero" => new MagnitudeBin(metric, null, -Edge - 1),
            "under" => new MagnitudeBin(metric, null, -Edge),
            "over" => new MagnitudeBin(metric, null, Edge),
            _ when rest.Length > 1 && rest[0] == 'e' && int.TryParse(rest[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var k) && Math.Abs(k) < Edge
                => new MagnitudeBin(metric, k, k),
            _ => null,
        };
        return bin is not null;
    }

    /// <summary>The axis label: <c>0</c>, <c>under</c>, <c>2^k</c>, <c>over</c>.</summary>
    public string Label => Exponent is { } k ? $"2^{k.ToString(CultureInfo.InvariantCulture)}" : Metric[MetricCatalog.MagHistPrefix.Length..] switch
    {
        "zero" => "0",
        var other => other,
    };
}
