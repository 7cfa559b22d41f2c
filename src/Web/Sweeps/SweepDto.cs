using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Sweeps;

/// <summary>A sweep in <c>GET /api/sweeps</c> (without runs) and <c>GET /api/sweeps/{id}</c> (with them).</summary>
/// <param name="Id">The sweep.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Running, Completed (every run ended; some may have failed), Cancelled or
/// Interrupted (the server stopped before every run ended).</param>
/// <param name="Fields">The swept fields, in grid order.</param>
/// <param name="RunCount">Runs in the sweep.</param>
/// <param name="Completed">Runs that completed.</param>
/// <param name="Failed">Runs that failed.</param>
/// <param name="CreatedAt">When its first run was recorded (UTC).</param>
/// <param name="Runs">The runs in grid order; null in the list.</param>
public sealed record SweepDto(
    Guid Id, string Name, RunStatus Status, IReadOnlyList<string> Fields, int RunCount, int Completed, int Failed,
    DateTime CreatedAt, IReadOnlyList<SweepRunDto>? Runs);
