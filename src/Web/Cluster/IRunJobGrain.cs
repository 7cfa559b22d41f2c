namespace QuantScope.Web.Cluster;

/// <summary>
/// One run of a sweep as a grain keyed by the run id, placed by <see cref="FreeCapacityPlacementAttribute"/> on the
/// worker with the most free slots. Its activation trains the run on that worker; if the worker dies, the next call
/// activates it on another worker, which resumes from the last checkpoint in the shared checkpoint root.
/// </summary>
public interface IRunJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts the job here unless it already runs (idempotent), sends its metrics to <paramref name="sink"/>, and reports where it stands.</summary>
    Task<JobStatusDto> EnsureAsync(RunJobDto job, IRunSink sink);

    /// <summary>Where the job stands on this activation, without starting it (null = not here: its worker was lost).</summary>
    Task<JobStatusDto?> PeekAsync();

    /// <summary>Asks the job to stop within one step; no-op when it is not running.</summary>
    Task CancelAsync();

    /// <summary>The dashboard has recorded the end: the activation may go.</summary>
    Task ForgetAsync();
}
