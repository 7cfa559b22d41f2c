namespace QuantScope.Engine.Quantization;

/// <summary>
/// A run of <paramref name="count"/> columns in every role's row of the raw device stats buffer
/// (<see cref="RawStatsLayout"/>), declared by the stats group whose kernel writes it (<see cref="LayerStatsGroup.Raw"/>).
/// Its offset is not written by hand: the layout places the groups' declarations one after another.
/// </summary>
/// <param name="name">Name, for messages and tests.</param>
/// <param name="count">Columns in the run (8 for the HiF8 bins, 1 for a single count or sum).</param>
internal sealed class RawColumn(string name, int count = 1)
{
    private int _offset = -1;

    /// <summary>Name, for messages and tests.</summary>
    public string Name { get; } = name;

    /// <summary>Columns in the run.</summary>
    public int Count { get; } = count;

    /// <summary>First column of the run in a role's raw row (computed once by <see cref="RawStatsLayout.OffsetOf"/>, then cached).</summary>
    public int Offset => _offset >= 0 ? _offset : _offset = RawStatsLayout.OffsetOf(this); // idempotent: a race writes the same int

    /// <inheritdoc />
    public override string ToString() => Name;
}
