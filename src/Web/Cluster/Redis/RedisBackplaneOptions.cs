namespace QuantScope.Web.Cluster.Redis;

/// <summary>
/// The <c>SignalR</c> configuration section: several dashboard hosts that share one store and one Redis serve the
/// same live runs. Unset <see cref="Redis"/> keeps a single host (no Redis at all).
/// </summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "SignalR";

    /// <summary>Channel prefix used when none is configured.</summary>
    public const string DefaultChannelPrefix = "quantscope";

    /// <summary>StackExchange.Redis connection string (<c>SignalR:Redis</c>, e.g. <c>127.0.0.1:6379,password=...</c>).</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// Prefix of every Redis channel (<c>SignalR:ChannelPrefix</c>): hosts of one dashboard share it; two dashboards
    /// on one Redis use different prefixes so they never see each other's runs.
    /// </summary>
    public string ChannelPrefix { get; set; } = DefaultChannelPrefix;

    /// <summary>
    /// Seconds a host's claim on its live runs lasts in Redis without renewal (<c>SignalR:RunLeaseSeconds</c>; renewed
    /// every quarter of it). A run the store lists as training that no host has claimed for two sweeps (one lease
    /// apart) is marked interrupted: its host died. Longer than any pause a busy host may take.
    /// </summary>
    public double RunLeaseSeconds { get; set; } = 20;

    /// <summary>True when a connection string is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>The Redis key holding the id of the host that trains or ingests <paramref name="runId"/>.</summary>
    public string RunLeaseKey(Guid runId) => $"{ChannelPrefix}:run:{runId:N}";

    /// <summary>The channel of the live bridge between hosts' in-process stores.</summary>
    public string LiveChannel => ChannelPrefix + ":live";

    /// <summary>The channel of cancel requests between hosts (<see cref="RedisRunControl"/>).</summary>
    public string ControlChannel => ChannelPrefix + ":control";
}
