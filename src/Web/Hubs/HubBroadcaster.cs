using Microsoft.AspNetCore.SignalR;
using QuantScope.Web.Live;

namespace QuantScope.Web.Hubs;

/// <summary>
/// Forwards live events to the hub group of their run. It reads through a drop-oldest subscription, so clients
/// that fall behind lose points on the live view only, never on the stored series.
/// </summary>
public sealed class HubBroadcaster(LiveRunStore live, IHubContext<MetricsHub, IMetricsClient> hub, ILogger<HubBroadcaster> log)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = live.Subscribe(null);
        try
        {
            await foreach (var e in subscription.ReadAllAsync(stoppingToken))
            {
                if (e.Remote) continue; // its own host broadcast it (with the Redis backplane, to every host's clients)
                var group = hub.Clients.Group(MetricsHub.GroupOf(e.RunId));
                try
                {
                    await (e switch
                    {
                        MetricsEvent m => group.ReceiveMetrics(m.Batch),
                        StatusEvent s => group.RunStatusChanged(new RunStatusDto(s.RunId, s.Status, s.Error, s.Layers)),
                        _ => Task.CompletedTask,
                    });
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogWarning(ex, "Broadcasting to run {RunId} failed", e.RunId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
