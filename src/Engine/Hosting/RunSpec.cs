using QuantScope.Engine.Training;

namespace QuantScope.Engine.Hosting;

/// <summary>
/// What a <see cref="RunHost"/> trains: the config and the trainer's options. The host adds the durable-checkpoint
/// handshake (<see cref="TrainerOptions.BeforeCheckpoint"/>), so any value set there is replaced.
/// </summary>
/// <param name="Config">The experiment.</param>
/// <param name="Options">Folders, and the checkpoint a resumed run continues after.</param>
public sealed record RunSpec(ValidTrainConfig Config, TrainerOptions Options);
