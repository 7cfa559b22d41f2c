namespace QuantScope.Engine.Telemetry;

/// <summary>Lifecycle of a run.</summary>
public enum RunStatus
{
    /// <summary>Created, not started.</summary>
    Pending,
    /// <summary>Training or ingesting.</summary>
    Running,
    /// <summary>Finished all steps.</summary>
    Completed,
    /// <summary>Stopped by an error (reason recorded).</summary>
    Failed,
    /// <summary>Stopped by the user.</summary>
    Cancelled,
    /// <summary>The server stopped while it was running.</summary>
    Interrupted,
}
