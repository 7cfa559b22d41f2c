using QuantScope.Engine.Telemetry;
using QuantScope.Web.Hubs;

namespace QuantScope.Web.Cluster.Redis;

/// <summary>One live event on the wire: exactly one of <paramref name="Batch"/> (metric points) or <paramref name="Status"/>.</summary>
public sealed record LiveEventDto(MetricBatch? Batch, RunStatusDto? Status);
