using Microsoft.AspNetCore.SignalR;
using QuantScope.Web.Ingest;

namespace QuantScope.Web.Hubs;

/// <summary>
/// Live metrics for external clients at <c>/hubs/metrics</c>: call <see cref="JoinRun"/> with a run id, then receive
/// <see cref="IMetricsClient.ReceiveMetrics"/> for every batch the run emits from then on. External jobs feed their
/// runs with <see cref="IngestMetrics"/>.
/// </summary>
public sealed class MetricsHub(ExternalRunIngestor ingestor) : Hub<IMetricsClient>
{
    /// <summary>The hub's path.</summary>
    public const string Path = "/hubs/metrics";

    /// <summary>SignalR group of a run's viewers.</summary>
    public static string GroupOf(Guid runId) => $"run:{runId:N}";

    /// <summary>Start receiving a run's metrics.</summary>
    public Task JoinRun(Guid runId) => Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(runId));

    /// <summary>Stop receiving a run's metrics.</summary>
    public Task LeaveRun(Guid runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(runId));

    /// <summary>
    /// Adds a columnar batch to an external run (same format and rules as <c>POST /api/runs/{id}/metrics</c>).
    /// Throws <see cref="HubException"/> naming the field and index when the batch is invalid (nothing is written),
    /// or when the run is unknown, not external, or finished.
    /// </summary>
    public async Task<IngestResultDto> IngestMetrics(Guid runId, MetricColumnsDto columns)
    {
        var result = await ingestor.IngestAsync(runId, columns, Context.ConnectionAborted);
        return result.Status == IngestStatus.Ok
            ? new IngestResultDto(runId, result.Points, result.LayerCount)
            : throw new HubException(result.Describe());
    }
}
