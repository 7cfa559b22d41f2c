namespace QuantScope.Web.Cluster;

/// <summary>Where a job stands on the worker that answers.</summary>
[GenerateSerializer]
public enum JobState
{
    /// <summary>Training on this worker.</summary>
    Running,
    /// <summary>Trained every step.</summary>
    Completed,
    /// <summary>Stopped on request.</summary>
    Cancelled,
    /// <summary>Ended with an error (diverged, out of memory, bad config).</summary>
    Failed,
}
