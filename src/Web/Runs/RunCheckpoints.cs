using QuantScope.Engine.Training;

namespace QuantScope.Web.Runs;

/// <summary>The checkpoints the dashboard's runs left on this host, in the coordinator's checkpoint directory.</summary>
public sealed class RunCheckpoints(RunCoordinator coordinator)
{
    /// <summary>The step of the latest checkpoint <paramref name="runId"/> can resume from, or null when there is none.</summary>
    public int? LatestResumable(Guid runId) =>
        CheckpointWriter.LatestResumable(coordinator.TrainerOptions.CheckpointDirectory!, runId);
}
