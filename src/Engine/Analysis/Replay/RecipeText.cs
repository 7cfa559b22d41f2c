using System.Globalization;
using QuantScope.Engine.Numerics;
using QuantScope.Engine.Quantization;

namespace QuantScope.Engine.Analysis.Replay;

/// <summary>
/// Reads a run's own delayed-scaling settings back from its effective plan, whose recipe column is written by
/// <see cref="ResolvedPlan.Describe"/> (e.g. <c>delayed(h=16,max,margin=0)</c>, <c>delayed(h=4,most_recent,margin=1,period=2)</c>).
/// </summary>
public static class RecipeText
{
    /// <summary>The recipe name of an algorithm: <c>max</c>, <c>most_recent</c>, <c>mean</c>.</summary>
    public static string AlgorithmName(AmaxAlgorithm algorithm) => Configuration.WireNames<AmaxAlgorithm>.Of(algorithm);

    /// <summary>Parses <c>max</c>, <c>most_recent</c> or <c>mean</c> without throwing.</summary>
    public static bool TryParseAlgorithm(string? name, out AmaxAlgorithm algorithm)
    {
        if (Configuration.WireNames<AmaxAlgorithm>.TryParse(name, out algorithm)) return true;
        algorithm = AmaxAlgorithm.Max;
        return false;
    }

    /// <summary>
    /// The replay settings a plan row describes, or null when the row is not delayed scaling (current, block, high
    /// precision) or cannot be read. The target comes from <paramref name="format"/> (unknown formats: E4M3's 448).
    /// </summary>
    public static ReplaySettings? TryParseDelayed(string? recipe, string? format)
    {
        if (recipe is null || !recipe.StartsWith("delayed(", StringComparison.Ordinal) || !recipe.EndsWith(')')) return null;
        var settings = new ReplaySettings { TargetMax = Target(format) };
        foreach (var part in recipe["delayed(".Length..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq < 0)
            {
                if (!TryParseAlgorithm(part, out var algorithm)) return null;
                settings = settings with { Algorithm = algorithm };
                continue;
            }

            if (!double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return null;
            settings = part[..eq] switch
            {
                "h" => settings with { HistoryLength = (int)value },
                "margin" => settings with { Margin = (int)value },
                "period" => settings with { UpdatePeriod = (int)value },
                "max_val" => settings with { TargetMax = value },
                _ => settings,
            };
        }

        return settings.Validate() is null ? settings : null;
    }

    private static double Target(string? format) =>
        format is not null && NumberFormats.TryGet(format, out var f) ? ScaleMath.TargetMax(f) : 448.0;
}
