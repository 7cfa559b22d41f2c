namespace QuantScope.Web.Compare;

/// <summary>One field that differs between compared runs: its dotted path and each run's value (null = absent).</summary>
/// <param name="Field">Dotted config path, or <c>plan: LAYER ROLE</c> for an effective-plan entry.</param>
/// <param name="Values">One value per run, in the order the runs were given.</param>
/// <param name="IsPlan">True for effective-plan rows (per layer and role).</param>
public sealed record ConfigDiffRow(string Field, IReadOnlyList<string?> Values, bool IsPlan);
