using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training.Sweeps;

/// <summary>The result of expanding a sweep: every run's config, or the errors (then <see cref="Points"/> is empty).</summary>
/// <param name="Points">The runs, in product order.</param>
/// <param name="Errors">Problems, each naming <c>base.FIELD</c>, <c>grid.FIELD</c> (with the offending value) or <c>grid</c>.</param>
public sealed record SweepExpansion(IReadOnlyList<SweepPoint> Points, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>True when there are no errors.</summary>
    public bool IsValid => Errors.Count == 0;
}
