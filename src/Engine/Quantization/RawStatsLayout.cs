namespace QuantScope.Engine.Quantization;

/// <summary>
/// Columns of a <see cref="QuantLinear"/>'s device-side raw stats buffer ([roles, <see cref="Width"/>] float64): the
/// counts and sums the quantizer and the stats kernels produce, not yet divided or combined. The host turns them into
/// the metrics of <see cref="LayerStatsLayout"/> once per logging window (<see cref="LayerStatsFinalizer"/>), so a stats
/// step costs a few reductions per tensor and no per-value scalar ops on the device. A column never written is NaN.
/// <para>
/// Nothing here is numbered by hand: the columns are the groups' own declarations (<see cref="LayerStatsGroup.Raw"/>)
/// placed one after another in <see cref="LayerStatsLayout.Groups"/> order. The quantizer writes its groups' columns
/// (<see cref="RoleQuantizer"/>, <see cref="QuantErrorStats"/>, <see cref="HiF8TierStats"/>,
/// <see cref="MagnitudeHistogram"/>, <see cref="BlockScaleStats"/>) as one vector from column 0, so those five come
/// first and in that order.
/// </para>
/// </summary>
internal static class RawStatsLayout
{
    /// <summary>Every raw column run, in buffer order.</summary>
    public static IReadOnlyList<RawColumn> Columns { get; } = [.. LayerStatsLayout.Groups.SelectMany(g => g.Raw)];

    /// <summary>Columns per role.</summary>
    public static int Width { get; } = Columns.Sum(c => c.Count);

    /// <summary>First column of <paramref name="column"/> in a role's row (use <see cref="RawColumn.Offset"/>, which caches it).</summary>
    public static int OffsetOf(RawColumn column)
    {
        var offset = 0;
        foreach (var c in Columns)
        {
            if (ReferenceEquals(c, column)) return offset;
            offset += c.Count;
        }

        throw new ArgumentException($"Raw column '{column.Name}' is declared by no stats group in LayerStatsLayout.Groups.", nameof(column));
    }
}
