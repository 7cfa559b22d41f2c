namespace QuantScope.Engine.Hosting;

/// <summary>Where a failed run failed.</summary>
public enum RunFailureSource
{
    /// <summary>Before training: preparing the spec or building the trainer (bad config, unreadable data files).</summary>
    Setup,
    /// <summary>While training: divergence (NaN/Inf), out of memory, the sink's start or checkpoint handshake, any other error.</summary>
    Training,
    /// <summary>The sink refused the metrics (<see cref="IRunSink.PublishAsync"/> threw): the run was stopped.</summary>
    Sink,
}
