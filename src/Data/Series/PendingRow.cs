namespace QuantScope.Data.Series;

/// <summary>
/// A point of a flush waiting to be written, with its series id resolved. <see cref="Sequence"/> is its arrival
/// order, the tie-break that makes the key-order sort stable.
/// </summary>
internal readonly record struct PendingRow<T>(long SeriesId, int Step, int Sequence, T Point)
{
    public static int Compare(PendingRow<T> a, PendingRow<T> b)
    {
        var bySeries = a.SeriesId.CompareTo(b.SeriesId);
        if (bySeries != 0) return bySeries;
        var byStep = a.Step.CompareTo(b.Step);
        return byStep != 0 ? byStep : a.Sequence.CompareTo(b.Sequence);
    }
}
