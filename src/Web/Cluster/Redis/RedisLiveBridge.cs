using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using QuantScope.Web.Live;
using StackExchange.Redis;

namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// Carries live events between dashboard hosts through Redis pub/sub, so a Blazor page on one host charts a run that
/// trains or ingests on another. Local events go out in batches (one message per drain, in order); events of other
/// hosts go into the local <see cref="LiveRunStore"/> only, marked <see cref="LiveEvent.Remote"/>: the view path, never
/// the persist path (the owning host persists its run once) and never the hub (the backplane already reached every
/// host's hub clients). Lossy like every view path: a slow link drops the oldest events, never blocks a run.
/// </summary>
public sealed class RedisLiveBridge(LiveRunStore live, IOptions<RedisBackplaneOptions> options, ILogger<RedisLiveBridge> log)
    : BackgroundService
{
    /// <summary>Events sent in one Redis message at the most.</summary>
    public const int MaxEventsPerMessage = 256;

    /// <summary>Pause between two attempts to subscribe while Redis is away.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sendFailures;

    /// <summary>This host's id in the bridge's messages.</summary>
    public Guid HostId { get; } = Guid.NewGuid();

    /// <summary>Completes once the bridge listens to other hosts (tests wait for it; pages need not).</summary>
    public Task Subscribed => _subscribed.Task;

    /// <summary>Local events that could not be sent (Redis away); those viewers on other hosts missed them.</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Subscribed before connecting, so a run that starts meanwhile is queued (up to the subscription's capacity).
        using var local = live.Subscribe(null);
        try
        {
            while (true)
            {
                try
                {
                    await BridgeAsync(local.Reader, stoppingToken);
                    return;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Never let Redis take the host down: it keeps serving its own runs and tries again.
                    log.LogError(ex, "Redis live bridge failed; restarting in {Delay} s", RetryDelay.TotalSeconds);
                    await Task.Delay(RetryDelay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _subscribed.TrySetCanceled(CancellationToken.None);
        }
    }

    private async Task BridgeAsync(ChannelReader<LiveEvent> local, CancellationToken ct)
    {
        var settings = options.Value;
        var channel = RedisChannel.Literal(settings.LiveChannel);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisClusterSetup.Parse(settings));
        var subscriber = redis.GetSubscriber();
        var queue = await SubscribeAsync(subscriber, channel, ct);
        _subscribed.TrySetResult();
        var inbound = ReceiveAsync(queue, ct);
        try
        {
            await SendAsync(local, subscriber, channel, ct);
        }
        finally
        {
            await queue.UnsubscribeAsync(CommandFlags.FireAndForget); // never throws while Redis is away
            await inbound;
        }
    }

    private async Task<ChannelMessageQueue> SubscribeAsync(ISubscriber subscriber, RedisChannel channel, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A queue (not a handler) keeps messages in order; the client resubscribes by itself after a reconnect.
                return await subscriber.SubscribeAsync(channel);
            }
            catch (RedisException ex)
            {
                if (attempt == 1) log.LogWarning("Redis live bridge cannot subscribe to {Channel} yet ({Problem}); retrying every {Delay} s", channel, ex.Message, RetryDelay.TotalSeconds);
                await Task.Delay(RetryDelay, ct);
            }
        }
    }

    private async Task SendAsync(ChannelReader<LiveEvent> reader, ISubscriber subscriber, RedisChannel channel, CancellationToken ct)
    {
        var events = new List<LiveEvent>(MaxEventsPerMessage);
        while (await reader.WaitToReadAsync(ct))
        {
            events.Clear();
            while (events.Count < MaxEventsPerMessage && reader.TryRead(out var e))
            {
                if (!e.Remote) events.Add(e); // other hosts' events came from Redis: never echo them
            }
            if (events.Count == 0) continue;
            try
            {
                // Awaited one by one: messages leave in the order the events happened.
                await subscriber.PublishAsync(channel, LiveEnvelopeCodec.Encode(HostId, events));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (Interlocked.Add(ref _sendFailures, events.Count) == events.Count)
                    log.LogWarning("Redis live bridge could not send {Count} events ({Problem}); other hosts' pages miss them (stored series are complete)", events.Count, ex.Message);
            }
        }
    }

    private async Task ReceiveAsync(ChannelMessageQueue queue, CancellationToken ct)
    {
        while (true)
        {
            ChannelMessage message;
            try
            {
                message = await queue.ReadAsync(ct);
            }
            catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
            {
                return;
            }
            try
            {
                var (origin, events) = LiveEnvelopeCodec.Decode(((byte[]?)message.Message) ?? []);
                if (origin == HostId) continue; // Redis delivers a host's own messages back to it
                foreach (var e in events) live.Publish(e);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
            {
                log.LogWarning("Redis live bridge ignored a malformed message on {Channel}: {Problem}", message.Channel, ex.Message);
            }
        }
    }
}
