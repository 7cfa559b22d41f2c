namespace QuantScope.Engine.Training;

/// <summary>Where a trainer reads and writes files.</summary>
public sealed record TrainerOptions
{
    /// <summary>Folder that relative data and task paths resolve against (null = working directory).</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Folder of cached pretraining checkpoints (null = no cache: pretraining runs every time).</summary>
    public string? CheckpointDirectory { get; init; }
}
