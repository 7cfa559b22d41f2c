using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using QuantScope.Web.Hubs;
using QuantScope.Web.Security;

namespace QuantScope.Web.Setup;

/// <summary>Access token, request limits and security headers (see <see cref="SecurityOptions"/>).</summary>
public static class SecuritySetup
{
    /// <summary>
    /// Logger categories held at Warning: "Request starting ... ?token=..." (hosting) would put a sign-in link's token
    /// or a WebSocket's access_token into the log.
    /// </summary>
    public static readonly string[] QuietCategories = ["Microsoft.AspNetCore.Hosting.Diagnostics"];

    /// <summary>Registers the access gate, the ingest rate limiter and the hub filter.</summary>
    public static WebApplicationBuilder AddQuantScopeSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<SecurityOptions>(builder.Configuration.GetSection("Security"));
        services.AddSingleton<AccessGate>();
        services.AddSingleton<IngestRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IngestRateLimiter>((o, limiter) =>
        {
            o.GlobalLimiter = limiter.Http;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
                    ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                var response = context.HttpContext.Response;
                response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new ValueTask(response.WriteAsJsonAsync(new
                {
                    title = "Too many ingest requests; nothing was written.",
                    status = 429,
                    detail = $"Retry after {retry} s (Security:IngestRequestsPerSecond, Security:IngestBurst).",
                }, options: null, contentType: "application/problem+json", ct));
            };
        });
        services.Configure<HubOptions<MetricsHub>>(o => o.AddFilter<IngestRateLimitHubFilter>());
        foreach (var category in QuietCategories) builder.Logging.AddFilter(category, LogLevel.Warning);
        return builder;
    }

    /// <summary>
    /// Security headers, the access token check, body limits and the ingest rate limit, first in the pipeline; and,
    /// once the server has bound, the check of its actual addresses (any non-loopback one requires a token).
    /// </summary>
    public static WebApplication UseQuantScopeSecurity(this WebApplication app)
    {
        var gate = app.Services.GetRequiredService<AccessGate>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is not null) gate.RequireForAddresses(addresses);
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<CrossSiteGuardMiddleware>(); // loopback with no token: host names, cross-site writes; JSON bodies
        app.UseMiddleware<AccessTokenMiddleware>();
        // Never a developer exception page (it echoes request headers: a bearer token, the sign-in cookie) once a token
        // is in force or a request arrives on a non-loopback address; a problem+json without details instead.
        app.UseWhen(context => !app.Environment.IsDevelopment() || gate.IsRequired
                || context.Connection.LocalIpAddress is { } local && !ListenAddresses.IsLoopback(local),
            branch => branch.UseExceptionHandler(new ExceptionHandlerOptions
            {
                // A body over its limit (Kestrel's or ours) keeps its 413; anything else unexpected is a bare 500.
                StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            }));
        app.UseMiddleware<BodySizeLimitMiddleware>();
        app.UseRateLimiter();
        return app;
    }
}
