namespace QuantScope.Web.Formats;

/// <summary>
/// The grid chart's data: each positive representable value but the largest, with its relative spacing
/// (gap to the next value / value, dimensionless). Pure.
/// </summary>
public static class FormatGrid
{
    /// <summary>Points (value, relative spacing) from an ascending grid that starts at 0.</summary>
    public static (IReadOnlyList<double> Values, IReadOnlyList<double> RelativeSpacing) Spacing(IReadOnlyList<double> grid)
    {
        var values = new List<double>();
        var spacing = new List<double>();
        for (var i = 0; i + 1 < grid.Count; i++)
        {
            if (grid[i] <= 0) continue; // 0 has no relative spacing
            values.Add(grid[i]);
            spacing.Add((grid[i + 1] - grid[i]) / grid[i]);
        }
        return (values, spacing);
    }
}
