using QuantScope.Engine.Training;

namespace QuantScope.Web.Ptq;

/// <summary>A run ready for PTQ: its engine config, checkpoint folder and checkpoints.</summary>
public sealed record PtqPrepared(TrainConfig Config, string RunFolder, IReadOnlyList<RunCheckpoint> Checkpoints);
