using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Import.Logs;

/// <summary>
/// One Transformer Engine debug statistic's name mapped onto the catalogue. TE names a stat
/// <c>[RECIPE_]STAT[_columnwise]</c>: a recipe prefix (<c>fp8_delayed_scaling</c>, <c>fp8_current_scaling</c>,
/// <c>fp8_block_scaling</c>, <c>mxfp8</c>, <c>nvfp4</c>) says "as if quantized by that recipe" and becomes a what-if
/// metric, <c>whatIf.RECIPE.METRIC</c> (recipes named <c>fp8-delayed</c>, <c>fp8-current</c>, <c>fp8-block</c>,
/// <c>mxfp8-e4m3</c>, <c>nvfp4</c>); <c>_columnwise</c> (the transposed copy's statistics) becomes a role variant,
/// <c>ROLE-columnwise</c>. Percentages are divided by 100.
/// </summary>
/// <param name="Metric">The metric (catalogue name where one exists, else the stat's own name).</param>
/// <param name="Role">The role, with <c>-columnwise</c> for the columnwise variant.</param>
/// <param name="Divisor">What the value is divided by (100 for percentages).</param>
public sealed record TeStatName(string Metric, string Role, double Divisor)
{
    /// <summary>Suffix of a columnwise role variant.</summary>
    public const string ColumnwiseSuffix = "-columnwise";

    // Longest first: "fp8_" alone is not a recipe.
    private static readonly (string Prefix, string Recipe)[] Recipes =
    [
        ("fp8_delayed_scaling_", "fp8-delayed"), ("fp8_current_scaling_", "fp8-current"), ("fp8_block_scaling_", "fp8-block"),
        ("mxfp8_", "mxfp8-e4m3"), ("nvfp4_", "nvfp4"),
    ];

    /// <summary>Maps <paramref name="stat"/> of a tensor whose role is <paramref name="role"/> (already normalised).</summary>
    public static TeStatName Map(string stat, string role)
    {
        var columnwise = stat.EndsWith("_columnwise", StringComparison.Ordinal);
        if (columnwise) stat = stat[..^"_columnwise".Length];
        string? recipe = null;
        foreach (var (prefix, name) in Recipes)
        {
            if (!stat.StartsWith(prefix, StringComparison.Ordinal) || stat.Length == prefix.Length) continue;
            recipe = name;
            stat = stat[prefix.Length..];
            break;
        }

        var (metric, divisor) = Base(stat);
        return new TeStatName(recipe is null ? metric : MetricCatalog.WhatIf(recipe, metric), columnwise ? role + ColumnwiseSuffix : role, divisor);
    }

    /// <summary>
    /// A stat without its recipe and columnwise parts: <c>underflows%</c> → underflowFraction ÷100, <c>overflows%</c> →
    /// overflowFraction ÷100, <c>cur_amax</c> → amax, <c>mse</c>, <c>dynamic_range</c> → dynamicRange,
    /// <c>max_blockwise_dynamic_range</c> → maxBlockwiseDynamicRange, <c>scale_inv_min</c> / <c>scale_inv_max</c> →
    /// scaleInvMin / scaleInvMax; any other (std, l2_norm, ...) keeps its name.
    /// </summary>
    public static (string Metric, double Divisor) Base(string stat) => stat switch
    {
        "underflows%" => (MetricCatalog.UnderflowFraction, 100),
        "overflows%" => (MetricCatalog.OverflowFraction, 100),
        "cur_amax" => (MetricCatalog.Amax, 1),
        "mse" => (MetricCatalog.Mse, 1),
        "dynamic_range" => (MetricCatalog.DynamicRange, 1),
        "max_blockwise_dynamic_range" => (MetricCatalog.MaxBlockwiseDynamicRange, 1),
        "scale_inv_min" => (MetricCatalog.ScaleInvMin, 1),
        "scale_inv_max" => (MetricCatalog.ScaleInvMax, 1),
        _ => (stat, 1),
    };
}
