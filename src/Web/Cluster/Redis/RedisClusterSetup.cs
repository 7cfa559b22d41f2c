using Microsoft.AspNetCore.SignalR;
using QuantScope.Web.Runs;
using StackExchange.Redis;

namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// Several dashboard hosts behind a load balancer: with <c>SignalR:Redis</c> set, hub group sends go through the Redis
/// backplane (a hub client on any host gets a run that trains or ingests on another), <see cref="RedisLiveBridge"/>
/// carries live events between the hosts' in-process stores for the Blazor pages, and <see cref="RedisRunControl"/>
/// carries cancel requests to the host that trains the run. Without it nothing changes.
/// </summary>
public static class RedisClusterSetup
{
    /// <summary>Adds the Redis backplane and the live bridge when <c>SignalR:Redis</c> is set.</summary>
    /// <exception cref="InvalidOperationException">The connection string or the channel prefix is not valid (the message names the key).</exception>
    public static ISignalRServerBuilder AddQuantScopeRedis(this ISignalRServerBuilder signalR, IConfiguration configuration)
    {
        var options = configuration.GetSection(RedisBackplaneOptions.Section).Get<RedisBackplaneOptions>() ?? new RedisBackplaneOptions();
        if (!options.Enabled) return signalR;

        var redis = Parse(options);
        signalR.Services.Configure<RedisBackplaneOptions>(configuration.GetSection(RedisBackplaneOptions.Section));
        signalR.AddStackExchangeRedis(o =>
        {
            o.Configuration = redis.Clone();
            // Prefixes every backplane channel, so dashboards sharing one Redis stay apart.
            o.Configuration.ChannelPrefix = RedisChannel.Literal(options.ChannelPrefix);
        });
        signalR.Services.AddSingleton<RedisLiveBridge>();
        signalR.Services.AddHostedService(sp => sp.GetRequiredService<RedisLiveBridge>());
        signalR.Services.AddSingleton<RunLeaseKeeper>();
        signalR.Services.AddHostedService(sp => sp.GetRequiredService<RunLeaseKeeper>());
        signalR.Services.AddSingleton<RedisRunControl>();
        signalR.Services.AddSingleton<IRemoteRuns>(sp => sp.GetRequiredService<RedisRunControl>()); // replaces NoRemoteRuns
        signalR.Services.AddHostedService(sp => sp.GetRequiredService<RedisRunControl>());
        return signalR;
    }

    /// <summary>
    /// The parsed connection string, set to keep retrying in the background (a host starts, and serves its own runs,
    /// while Redis is briefly away).
    /// </summary>
    /// <exception cref="InvalidOperationException">Naming <c>SignalR:Redis</c>, <c>SignalR:ChannelPrefix</c> or <c>SignalR:RunLeaseSeconds</c>.</exception>
    public static ConfigurationOptions Parse(RedisBackplaneOptions options)
    {
        var prefix = options.ChannelPrefix?.Trim();
        if (string.IsNullOrEmpty(prefix) || prefix.Any(char.IsWhiteSpace) || prefix.Length > 100)
        {
            throw new InvalidOperationException(
                $"{RedisBackplaneOptions.Section}:ChannelPrefix must be a non-empty name of at most 100 characters without spaces, not \"{options.ChannelPrefix}\".");
        }
        if (!(options.RunLeaseSeconds >= 2 && options.RunLeaseSeconds <= 3600))
        {
            throw new InvalidOperationException($"{RedisBackplaneOptions.Section}:RunLeaseSeconds must be between 2 and 3600 seconds, not {options.RunLeaseSeconds}.");
        }
        ConfigurationOptions redis;
        try
        {
            redis = ConfigurationOptions.Parse(options.Redis!);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{RedisBackplaneOptions.Section}:Redis is not a valid Redis connection string: {ex.Message}", ex);
        }
        if (redis.EndPoints.Count == 0)
        {
            throw new InvalidOperationException($"{RedisBackplaneOptions.Section}:Redis names no server (expected host:port, e.g. 127.0.0.1:6379).");
        }
        redis.AbortOnConnectFail = false;
        return redis;
    }
}
