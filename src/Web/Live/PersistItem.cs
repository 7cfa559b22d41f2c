using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>An entry of the lossless persist queue: metric points, or the end of a run (applied after its points).</summary>
public abstract record PersistItem;

/// <summary>
/// Points to write. <paramref name="Merge"/>: layer points merge into an existing row of the same step instead of
/// replacing it (external runs, whose batches may each carry only some layers of a step).
/// </summary>
public sealed record PersistBatch(MetricBatch Batch, bool Merge = false) : PersistItem
{
    /// <summary>
    /// Completed once the batch's transaction has committed (faulted when it can never be written); null = nobody waits
    /// (engine runs). What an ingest call waits for before it acknowledges.
    /// </summary>
    public TaskCompletionSource? Committed { get; init; }
}

/// <summary>The run ended; recorded only after every point queued before it is written.</summary>
public sealed record PersistRunEnd(Guid RunId, RunStatus Status, string? Error) : PersistItem;
