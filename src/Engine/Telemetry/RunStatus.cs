using QuantScope.Engine.Configuration;

namespace QuantScope.Engine.Telemetry;

/// <summary>Lifecycle of a run (engine, external, imported), a cluster job, a sweep or a PTQ job; its text is the wire name.</summary>
public enum RunStatus
{
    /// <summary>Created, not started.</summary>
    [WireName("pending")] Pending,
    /// <summary>Training or ingesting.</summary>
    [WireName("running")] Running,
    /// <summary>Finished all steps.</summary>
    [WireName("completed")] Completed,
    /// <summary>Stopped by an error (reason recorded).</summary>
    [WireName("failed")] Failed,
    /// <summary>Stopped by the user.</summary>
    [WireName("cancelled")] Cancelled,
    /// <summary>The server stopped while it was running.</summary>
    [WireName("interrupted")] Interrupted,
    /// <summary>Waiting for a share of the host's training cores (<c>Training:MaxConcurrentRuns</c> runs train at once); starts when one ends.</summary>
    [WireName("queued")] Queued,
}
