using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>Something that happened to a run, pushed to live viewers.</summary>
public abstract record LiveEvent(Guid RunId)
{
    /// <summary>True when another dashboard host owns the run (Redis bridge): shown here, never persisted nor re-broadcast.</summary>
    public bool Remote { get; init; }
}

/// <summary>New metric points of a run.</summary>
public sealed record MetricsEvent(MetricBatch Batch) : LiveEvent(Batch.RunId);

/// <summary>A run changed status; <paramref name="Layers"/> is set once the layer layout is known.</summary>
public sealed record StatusEvent(Guid Id, RunStatus Status, string? Error, IReadOnlyList<string>? Layers) : LiveEvent(Id);
