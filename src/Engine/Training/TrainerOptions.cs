namespace QuantScope.Engine.Training;

/// <summary>Where a trainer writes files, and where it starts (relative input paths resolve against <see cref="ValidTrainConfig.BaseDirectory"/>).</summary>
public sealed record TrainerOptions
{
    /// <summary>The device of a config that does not name one (<see cref="TrainConfig.Device"/> null): the host's default.</summary>
    public Devices.DeviceSetting DefaultDevice { get; init; } = Devices.DeviceSetting.Auto;

    /// <summary>Folder of cached pretraining checkpoints and of run checkpoints (null = no cache, no checkpoints, no resume).</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// Null = a fresh start. Otherwise <see cref="Trainer.Run"/> loads the run's resume state after this many main
    /// steps from <c>{CheckpointDirectory}/{runId}/</c> (see <see cref="CheckpointWriter.LatestResumable"/>), skips
    /// pretraining and the step-0 evaluation, and continues with the next step: it emits metrics only for the steps
    /// after the checkpoint, and the summary it returns covers the whole run.
    /// </summary>
    public int? ResumeFromStep { get; init; }

    /// <summary>
    /// Called on the training thread with the step count just before a checkpoint is written, after every batch up to it
    /// was handed to the output channel. A caller that stores batches asynchronously blocks here until they are durable,
    /// so a checkpoint never runs ahead of the stored series (a resume then leaves no gap). Null = no wait.
    /// </summary>
    public Action<int, CancellationToken>? BeforeCheckpoint { get; init; }

    /// <summary>
    /// Called on the training thread before every main and pretraining step, outside its dispose scope (the host
    /// re-applies the run's share of the cores there; cheap when nothing changed). Null = nothing.
    /// </summary>
    public Action? BetweenSteps { get; init; }
}
