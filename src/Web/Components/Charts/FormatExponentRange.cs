using QuantScope.Engine.Numerics;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// The binades a number format represents, as the histogram bins count them: from the smallest subnormal's exponent
/// floor(log2(minSubnormal)) to the max's floor(log2(max)) (E4M3: 2^-9 to 2^8, max 448). For scaled formats (INT, MX,
/// NVFP4) in units of the scale, as <c>/api/formats</c> gives them.
/// </summary>
/// <param name="Format">The format's name.</param>
/// <param name="MinExponent">floor(log2(smallest positive value)).</param>
/// <param name="MaxExponent">floor(log2(largest finite value)).</param>
public sealed record FormatExponentRange(string Format, int MinExponent, int MaxExponent)
{
    /// <summary>The range of <paramref name="format"/>; null for high precision (fp32) or a name the registry does not know.</summary>
    public static FormatExponentRange? Of(string? format)
    {
        if (format is null || !NumberFormats.TryGet(format, out var f) || !(f.MinSubnormal > 0) || !(f.MaxValue > 0)) return null;
        return new FormatExponentRange(f.Name, MagnitudeBins.MinExponent(f), MagnitudeBins.MaxExponent(f));
    }
}
