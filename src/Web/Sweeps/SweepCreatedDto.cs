namespace QuantScope.Web.Sweeps;

/// <summary>Answer of <c>POST /api/sweeps</c>: the sweep and its runs (recorded pending, in grid order).</summary>
public sealed record SweepCreatedDto(Guid SweepId, IReadOnlyList<Guid> Runs);
