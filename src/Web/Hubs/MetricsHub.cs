using Microsoft.AspNetCore.SignalR;

namespace QuantScope.Web.Hubs;

/// <summary>
/// Live metrics for external clients at <c>/hubs/metrics</c>: call <see cref="JoinRun"/> with a run id, then receive
/// <see cref="IMetricsClient.ReceiveMetrics"/> for every batch the run emits from then on.
/// </summary>
public sealed class MetricsHub : Hub<IMetricsClient>
{
    /// <summary>The hub's path.</summary>
    public const string Path = "/hubs/metrics";

    /// <summary>SignalR group of a run's viewers.</summary>
    public static string GroupOf(Guid runId) => $"run:{runId:N}";

    /// <summary>Start receiving a run's metrics.</summary>
    public Task JoinRun(Guid runId) => Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(runId));

    /// <summary>Stop receiving a run's metrics.</summary>
    public Task LeaveRun(Guid runId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(runId));
}
