using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using QuantScope.Web.Ingest;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Security;

/// <summary>
/// A request body limit per class of endpoint: log uploads (<see cref="SecurityOptions.MaxUploadBytes"/>), hub
/// messages (long polling posts them; <see cref="QuantScopeSetup.MaxHubMessageBytes"/>), metric batches (their
/// endpoint sets its own 32 MB limit and answers with its own message), run configs and finish calls
/// (<see cref="Api.ConfigReader.MaxBodyBytes"/>), sweeps (<see cref="Api.SweepEndpoints.MaxBodyBytes"/>), the data
/// endpoints (format quantization and law fits: <see cref="SecurityOptions.MaxDataBodyBytes"/>) and everything else,
/// the JSON API and form posts (<see cref="SecurityOptions.MaxRequestBodyBytes"/>). Over any of them: 413. A declared length over the limit gets 413 at once;
/// otherwise the server stops reading at the limit (Kestrel's feature, or a counting stream where the server has
/// none, as in tests).
/// </summary>
public sealed class BodySizeLimitMiddleware(RequestDelegate next, IOptions<SecurityOptions> options)
{
    /// <summary>Handles one request.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsMetricBatch(request)) return next(context);
        var limit = LimitOf(request);
        if (request.ContentLength > limit) return TooLarge(limit).ExecuteAsync(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { } feature)
        {
            if (!feature.IsReadOnly) feature.MaxRequestBodySize = limit;
        }
        else if (request.ContentLength is null or > 0)
        {
            request.Body = new LimitedReadStream(request.Body, limit,
                l => new BadHttpRequestException($"The request body is larger than {l} bytes.", StatusCodes.Status413PayloadTooLarge)); // as Kestrel fails
        }
        return next(context);
    }

    /// <summary>
    /// The one answer to a body over its limit, whether its declared length says so (here) or reading it finds out
    /// (a chunked body: the endpoint catches the <see cref="BadHttpRequestException"/> and answers this).
    /// </summary>
    public static IResult TooLarge(long limit) => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The request body is too large.", detail: $"At most {limit} bytes are accepted here.");

    /// <summary>The limit for a request, bytes.</summary>
    public long LimitOf(HttpRequest request)
    {
        var general = LimitOf(request.Path);
        if (!HttpMethods.IsPost(request.Method)) return general;
        var path = request.Path;
        if (path.Equals("/api/runs", StringComparison.OrdinalIgnoreCase)
            || (path.StartsWithSegments("/api/runs") && path.Value!.EndsWith("/finish", StringComparison.Ordinal)))
            return Math.Min(general, Api.ConfigReader.MaxBodyBytes);
        return path.Equals("/api/sweeps", StringComparison.OrdinalIgnoreCase) ? Math.Min(general, Api.SweepEndpoints.MaxBodyBytes) : general;
    }

    /// <summary>The limit for a path, bytes.</summary>
    public long LimitOf(PathString path) =>
        path.StartsWithSegments("/api/import") ? options.Value.MaxUploadBytes
        : path.StartsWithSegments("/hubs") ? QuantScopeSetup.MaxHubMessageBytes
        : path.StartsWithSegments("/api/formats") || path.StartsWithSegments("/api/laws") ? options.Value.MaxDataBodyBytes
        : options.Value.MaxRequestBodyBytes;

    private static bool IsMetricBatch(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/api/runs")
        && request.Path.Value!.EndsWith("/metrics", StringComparison.Ordinal);
}
