using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace QuantScope.Web.Security;

/// <summary>
/// One token bucket per client IP for ingest requests (HTTP metric batches and finish calls, hub batches), shared by
/// the HTTP rate limiter and the hub filter. A team shares one access token, so the client's address, not the token,
/// tells clients apart. Other requests are not limited.
/// </summary>
public sealed class IngestRateLimiter : IDisposable
{
    private const string Unlimited = "";

    private readonly PartitionedRateLimiter<string> _limiter;

    /// <summary>Buckets of <see cref="SecurityOptions.IngestBurst"/> requests refilled at <see cref="SecurityOptions.IngestRequestsPerSecond"/>.</summary>
    public IngestRateLimiter(IOptions<SecurityOptions> options)
    {
        var perSecond = Math.Max(1, options.Value.IngestRequestsPerSecond);
        var burst = Math.Max(perSecond, options.Value.IngestBurst);
        _limiter = PartitionedRateLimiter.Create<string, string>(key => key == Unlimited
            ? RateLimitPartition.GetNoLimiter(Unlimited)
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0, // refuse at once: the client retries after Retry-After
                AutoReplenishment = true,
            }));
        Http = _limiter.WithTranslatedKey<HttpContext>(c => IsIngest(c.Request) ? ClientKey(c.Connection.RemoteIpAddress) : Unlimited, leaveOpen: true);
    }

    /// <summary>The limiter as the ASP.NET Core rate limiting middleware's global limiter.</summary>
    public PartitionedRateLimiter<HttpContext> Http { get; }

    /// <summary>Takes one permit for a hub batch from <paramref name="remote"/>.</summary>
    public RateLimitLease AcquireForHub(System.Net.IPAddress? remote) => _limiter.AttemptAcquire(ClientKey(remote));

    /// <summary>Metric batches and finish calls of external runs.</summary>
    public static bool IsIngest(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || !request.Path.StartsWithSegments("/api/runs")) return false;
        var path = request.Path.Value!;
        return path.EndsWith("/metrics", StringComparison.Ordinal) || path.EndsWith("/finish", StringComparison.Ordinal);
    }

    private static string ClientKey(System.Net.IPAddress? remote) =>
        remote is null ? "local" : (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString();

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        _limiter.Dispose();
    }
}
