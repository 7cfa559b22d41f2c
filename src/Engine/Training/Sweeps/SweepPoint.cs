namespace QuantScope.Engine.Training.Sweeps;

/// <summary>One run of an expanded sweep.</summary>
/// <param name="Index">Position in the product (0-based; the last grid field varies fastest).</param>
/// <param name="Settings">The grid values of this run, in grid order.</param>
/// <param name="Config">The validated experiment config.</param>
public sealed record SweepPoint(int Index, IReadOnlyList<SweepSetting> Settings, ValidTrainConfig Config);
