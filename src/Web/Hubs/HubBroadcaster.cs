using Microsoft.AspNetCore.SignalR;
using QuantScope.Web.Live;

namespace QuantScope.Web.Hubs;

/// <summary>
/// Forwards live events to the hub group of their run. It reads through a drop-oldest subscription, so clients
/// that fall behind lose points on the live view only, never on the stored series. Whatever is waiting when it
/// looks is coalesced per run (<see cref="HubCoalescer"/>): one message per run and round while the clients keep up,
/// fewer and bigger ones when they fall behind.
/// </summary>
public sealed class HubBroadcaster(LiveRunStore live, IHubContext<MetricsHub, IMetricsClient> hub, ILogger<HubBroadcaster> log)
    : BackgroundService
{
    /// <summary>Events taken from the subscription per round at the most.</summary>
    public const int MaxEventsPerRound = 256;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = live.Subscribe(null);
        var reader = subscription.Reader;
        var waiting = new List<LiveEvent>(MaxEventsPerRound);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                waiting.Clear();
                while (waiting.Count < MaxEventsPerRound && reader.TryRead(out var e))
                {
                    if (!e.Remote) waiting.Add(e); // its own host broadcast it (with the Redis backplane, to every host's clients)
                }

                foreach (var message in HubCoalescer.Coalesce(waiting)) await SendAsync(message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(LiveEvent e)
    {
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
