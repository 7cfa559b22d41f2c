namespace QuantScope.Engine.Analysis.Replay;

/// <summary>A replay of one tensor's amax series under one <see cref="ReplaySettings"/>.</summary>
/// <param name="Settings">What was replayed.</param>
/// <param name="Points">One point per input step (gaps included, as NaN points), in input order.</param>
public sealed record ReplayResult(ReplaySettings Settings, IReadOnlyList<ReplayPoint> Points)
{
    /// <summary>Steps with a recorded amax from the seeding step on (the denominator of the rate).</summary>
    public int Measured => Points.Count(p => p.Saturated is not null);

    /// <summary>Steps where amax exceeded amaxPred.</summary>
    public int Events => Points.Count(p => p.Saturated == true);

    /// <summary>Events / measured steps (0..1); NaN when nothing was measured.</summary>
    public double SaturationRate => Measured == 0 ? double.NaN : (double)Events / Measured;

    /// <summary>Mean <see cref="ReplayPoint.ExpectedOverflow"/> over measured steps; NaN when nothing was measured.</summary>
    public double MeanExpectedOverflow
    {
        get
        {
            var measured = Points.Where(p => p.Saturated is not null).ToArray();
            return measured.Length == 0 ? double.NaN : measured.Average(p => p.ExpectedOverflow);
        }
    }

    /// <summary>Largest <see cref="ReplayPoint.ClipRatio"/> over measured steps (0 when nothing was measured).</summary>
    public double MaxClipRatio => Points.Where(p => p.Saturated is not null).Select(p => p.ClipRatio).DefaultIfEmpty(0).Max();
}
