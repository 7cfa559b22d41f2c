namespace QuantScope.Data.Export.Heatmaps;

/// <summary>
/// The typeface the server-side pictures use. SkiaSharp's NoDependencies native build has no fontconfig, so it sees
/// no system font by itself: a TrueType file is registered with ScottPlot by path, once per process. Without one
/// the pictures still render (cells, ticks, colour bar), only without text.
/// </summary>
internal static class PlotFonts
{
    /// <summary>Name the registered typeface is known by.</summary>
    public const string Family = "QuantScope Sans";

    /// <summary>Fonts with the glyphs the titles use (em dash, ², µ), tried in order (Debian's fonts-dejavu-core and fonts-liberation).</summary>
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        @"C:\Windows\Fonts\arial.ttf",
    ];

    private static readonly Lazy<bool> Registered = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when a font file was found and registered (then set <see cref="Family"/> on a plot).</summary>
    public static bool Available => Registered.Value;

    private static bool Register()
    {
        var path = Candidates.FirstOrDefault(File.Exists);
        if (path is null) return false;
        ScottPlot.Fonts.AddFontFile(Family, path);
        return true;
    }
}
