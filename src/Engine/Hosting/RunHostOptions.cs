namespace QuantScope.Engine.Hosting;

/// <summary>How a <see cref="RunHost"/> runs its training threads.</summary>
public sealed record RunHostOptions
{
    /// <summary>Batches a run may get ahead of its sink before its training thread waits (the channel's bound).</summary>
    public int ChannelCapacity { get; init; } = 64;

    /// <summary>
    /// Most batches handed to <see cref="IRunSink.PublishAsync"/> in one call: the pump hands over what is queued at
    /// the moment, up to this many (a store writes them in one transaction).
    /// </summary>
    public int MaxBatchesPerPublish { get; init; } = 256;

    /// <summary>
    /// How far below the process's other threads a training thread runs, as a Linux nice increment (0-19; 0 = same
    /// priority). libtorch's worker threads, created later by the training thread, inherit it. See
    /// <see cref="TrainingThreadPriority"/>.
    /// </summary>
    public int Niceness { get; init; }

    /// <summary>
    /// The cores this host's runs share (each run's intra-op threads = its share, recomputed between steps as runs
    /// start and end); null = libtorch's default for every run (all cores each: oversubscribes when runs overlap).
    /// </summary>
    public ThreadBudget? Threads { get; init; }
}
