using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Ingest;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Api;

/// <summary>
/// Live ingestion over HTTP: external runs are created with <c>POST /api/runs</c> and <c>"kind": "external"</c>
/// (<see cref="TryCreateExternalAsync"/>), fed with <c>POST /api/runs/{id}/metrics</c> (columnar JSON) and ended with
/// <c>POST /api/runs/{id}/finish</c>.
/// </summary>
public static class IngestEndpoints
{
    /// <summary>Largest body <c>POST /api/runs/{id}/metrics</c> reads, bytes (100k points fit with long layer names).</summary>
    public const int MaxMetricsBodyBytes = 32 * 1024 * 1024;

    /// <summary>Largest external-run creation body looked at, bytes (the engine config limit).</summary>
    private const int MaxCreateBodyBytes = ConfigReader.MaxBodyBytes;

    /// <summary>Maps the metrics and finish endpoints.</summary>
    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs");
        group.MapPost("{id:guid}/metrics", MetricsAsync);
        group.MapPost("{id:guid}/finish", FinishAsync);
        return app;
    }

    /// <summary>
    /// Creates an external run when the body of <c>POST /api/runs</c> says <c>"kind": "external"</c>; null otherwise,
    /// with the body rewound for the engine config reader (engine behaviour unchanged).
    /// </summary>
    public static async Task<IResult?> TryCreateExternalAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering(MaxCreateBodyBytes + 1);
        var buffer = new byte[MaxCreateBodyBytes + 1];
        var read = 0;
        while (read < buffer.Length && await request.Body.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        request.Body.Position = 0;
        if (read > MaxCreateBodyBytes) return null; // the engine reader reports the size

        ExternalRunRequestDto? dto;
        try
        {
            using var doc = JsonDocument.Parse(buffer.AsMemory(0, read));
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("kind", out var kind) || kind.ValueKind != JsonValueKind.String
                || !string.Equals(kind.GetString(), "external", StringComparison.OrdinalIgnoreCase))
                return null;
            dto = doc.RootElement.Deserialize<ExternalRunRequestDto>(JsonDefaults.Options);
        }
        catch (JsonException ex)
        {
            // Not JSON at all: the engine reader answers. JSON with kind external but wrong field types: answer here.
            return ex.Path is null or "$" ? null : Invalid([new ConfigError(ex.Path.TrimStart('$', '.'), "has the wrong type")], "The external run is invalid.");
        }

        var ingestor = request.HttpContext.RequestServices.GetRequiredService<ExternalRunIngestor>();
        var (id, errors) = await ingestor.CreateAsync(dto!, ct);
        return id is { } created
            ? Results.Created($"/api/runs/{created}", new RunCreatedDto(created))
            : Invalid(errors, "The external run is invalid.");
    }

    private static async Task<IResult> MetricsAsync(Guid id, HttpRequest request, ExternalRunIngestor ingestor, CancellationToken ct)
    {
        if (request.ContentLength > MaxMetricsBodyBytes)
            return TooLarge();
        // Kestrel's default body limit (30 MB) would cut in first; this endpoint's limit is deliberate.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = MaxMetricsBodyBytes + 1;
        MetricColumnsDto? columns;
        try
        {
            await using var body = new LimitedReadStream(request.Body, MaxMetricsBodyBytes);
            columns = await JsonSerializer.DeserializeAsync<MetricColumnsDto>(body, JsonDefaults.Options, ct);
        }
        catch (JsonException ex)
        {
            return Invalid([new ConfigError("$", $"the body is not valid JSON ({ex.Message})")], "The metric batch is invalid; nothing was written.");
        }
        catch (LimitedReadStream.TooLargeException)
        {
            return TooLarge();
        }
        return ToResult(id, await ingestor.IngestAsync(id, columns, ct));
    }

    private static async Task<IResult> FinishAsync(Guid id, HttpRequest request, ExternalRunIngestor ingestor, CancellationToken ct)
    {
        FinishRunDto? body = null;
        if (request.ContentLength > MaxCreateBodyBytes)
            return FinishTooLarge();
        if (request.ContentLength is null or > 0)
        {
            try
            {
                await using var limited = new LimitedReadStream(request.Body, MaxCreateBodyBytes);
                using var reader = new StreamReader(limited);
                var text = await reader.ReadToEndAsync(ct);
                if (!string.IsNullOrWhiteSpace(text)) body = JsonSerializer.Deserialize<FinishRunDto>(text, JsonDefaults.Options);
            }
            catch (JsonException)
            {
                return Invalid([new ConfigError("$", "the body must be empty or {\"status\": \"completed\"|\"failed\", \"error\": ...}")], ExternalRunIngestor.FinishInvalid);
            }
            catch (Exception ex) when (ex is LimitedReadStream.TooLargeException
                || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return FinishTooLarge();
            }
        }
        var result = await ingestor.FinishAsync(id, body, ct);
        return result.Status == IngestStatus.Ok ? Results.Accepted($"/api/runs/{id}") : ToResult(id, result);
    }

    private static IResult ToResult(Guid id, IngestResult result) => result.Status switch
    {
        IngestStatus.Ok => Results.Ok(new IngestResultDto(id, result.Points, result.LayerCount)),
        IngestStatus.Invalid => Invalid(result.Errors, result.Message),
        IngestStatus.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: result.Message),
        IngestStatus.Unavailable => Unavailable(result),
        _ => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run takes no points.", detail: result.Message),
    };

    // 503 + Retry-After: storage pushes back (locked, full, slow to commit); the client resends the same batch later.
    private static IResult Unavailable(IngestResult result) => new RetryAfterResult(result.RetryAfterSeconds,
        Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage is not taking points now; resend later.", detail: result.Message));

    private sealed class RetryAfterResult(int seconds, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, seconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    // One answer for a body over its limit, as everywhere (the limit middleware answers a declared length so too).
    private static IResult FinishTooLarge() => Security.BodySizeLimitMiddleware.TooLarge(MaxCreateBodyBytes);

    private static IResult TooLarge() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The metric batch is too large; nothing was written.",
        detail: $"A batch body may be at most {MaxMetricsBodyBytes} bytes and {MetricColumnsReader.MaxPoints} points: split it.");

    private static IResult Invalid(IReadOnlyList<ConfigError> errors, string title) => ValidationProblems.From(errors, title);
}
