using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using QuantScope.Web.Hubs;

namespace QuantScope.Web.Security;

/// <summary>Applies the ingest rate limit to <see cref="MetricsHub.IngestMetrics"/> calls: a refused call throws a HubException saying when to retry.</summary>
public sealed class IngestRateLimitHubFilter(IngestRateLimiter limiter) : IHubFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethodName != nameof(MetricsHub.IngestMetrics)) return await next(invocationContext);
        var remote = invocationContext.Context.GetHttpContext()?.Connection.RemoteIpAddress;
        using var lease = limiter.AcquireForHub(remote);
        if (!lease.IsAcquired)
        {
            var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
            throw new HubException($"Too many ingest batches from this client; nothing was written. Retry after {retry} s.");
        }
        return await next(invocationContext);
    }
}
