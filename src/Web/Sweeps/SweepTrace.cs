namespace QuantScope.Web.Sweeps;

/// <summary>One trace of a sweep chart.</summary>
/// <param name="Name">Legend name.</param>
/// <param name="X">X values: numbers, or category strings for a non-numeric swept field.</param>
/// <param name="Y">Y values (null = no value: the point is left out).</param>
/// <param name="Lines">Draw a line (a law's curve) rather than markers (observations).</param>
/// <param name="Text">Hover text per point (run names), or null.</param>
public sealed record SweepTrace(string Name, IReadOnlyList<object> X, IReadOnlyList<double?> Y, bool Lines, IReadOnlyList<string>? Text = null);
