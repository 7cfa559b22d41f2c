using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>An entry of the lossless persist queue: metric points, or the end of a run (applied after its points).</summary>
public abstract record PersistItem;

/// <summary>Points to write.</summary>
public sealed record PersistBatch(MetricBatch Batch) : PersistItem;

/// <summary>The run ended; recorded only after every point queued before it is written.</summary>
public sealed record PersistRunEnd(Guid RunId, RunStatus Status, string? Error) : PersistItem;
