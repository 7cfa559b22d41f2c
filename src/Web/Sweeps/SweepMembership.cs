using QuantScope.Engine.Training.Sweeps;

namespace QuantScope.Web.Sweeps;

/// <summary>What a run's tags say about its sweep (<see cref="SweepTags"/>).</summary>
/// <param name="SweepId">The sweep.</param>
/// <param name="Name">The sweep's name.</param>
/// <param name="Index">The run's position in the grid product.</param>
/// <param name="Settings">The run's grid values.</param>
public sealed record SweepMembership(Guid SweepId, string Name, int Index, IReadOnlyList<SweepSetting> Settings);
