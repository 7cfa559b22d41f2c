using Microsoft.Extensions.Options;
using QuantScope.Web.Runs;
using StackExchange.Redis;

namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// Cancel requests between dashboard hosts: a host asked to cancel a run that another host trains publishes
/// <c>cancel:{runId}</c> on <see cref="RedisBackplaneOptions.ControlChannel"/>, and every host cancels it if it trains
/// it (<see cref="RunCoordinator"/> or its cluster dispatcher). Anything else on the channel is ignored.
/// </summary>
public sealed class RedisRunControl(
    RunCoordinator coordinator,
    ClusterJobDispatcher cluster,
    IOptions<RedisBackplaneOptions> options,
    ILogger<RedisRunControl> log) : BackgroundService, IRemoteRuns
{
    private const string CancelPrefix = "cancel:";
    private readonly Lazy<Task<ConnectionMultiplexer>> _redis =
        new(() => ConnectionMultiplexer.ConnectAsync(RedisClusterSetup.Parse(options.Value)));

    /// <summary>
    /// True. (Whether a run's lease exists proves nothing either way: a new run is claimed within a beat, and a dead
    /// host's lease lasts until it expires; <see cref="RunLeaseKeeper"/> judges which runs lost their host.)
    /// </summary>
    public bool OtherHostsShareTheStore => true;

    /// <inheritdoc />
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct)
    {
        try
        {
            await (await _redis.Value).GetSubscriber().PublishAsync(Channel, $"{CancelPrefix}{runId:N}");
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new IOException($"The cancel request could not reach the other dashboard hosts: Redis is unreachable ({ex.Message}).", ex);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var redis = await _redis.Value;
            while (true)
            {
                try
                {
                    // The client resubscribes by itself after a reconnect.
                    await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => OnMessage(message));
                    break;
                }
                catch (RedisException ex)
                {
                    log.LogWarning("Run control cannot subscribe to Redis yet ({Problem}); retrying", ex.Message);
                    await Task.Delay(RedisLiveBridge.RetryDelay, stoppingToken);
                }
            }
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Never take the host down: it keeps serving; only cancels from other hosts stop reaching it.
            log.LogError(ex, "Run control stopped; cancel requests from other dashboard hosts will not reach this one");
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_redis.IsValueCreated && _redis.Value.IsCompletedSuccessfully) _redis.Value.Result.Dispose();
        base.Dispose();
    }

    private RedisChannel Channel => RedisChannel.Literal(options.Value.ControlChannel);

    private void OnMessage(RedisValue message)
    {
        var text = message.ToString();
        if (!text.StartsWith(CancelPrefix, StringComparison.Ordinal) || !Guid.TryParseExact(text[CancelPrefix.Length..], "N", out var runId))
        {
            log.LogDebug("Run control ignored a message it does not understand");
            return;
        }
        if (coordinator.Cancel(runId) || cluster.Cancel(runId))
            log.LogInformation("Run {RunId} cancelled at the request of another dashboard host", runId);
    }
}
