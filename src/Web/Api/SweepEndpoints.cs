using QuantScope.Engine.Analysis.Laws;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Sweeps;

namespace QuantScope.Web.Api;

/// <summary>
/// The REST API over sweeps: <c>POST /api/sweeps</c>, <c>GET /api/sweeps</c>, <c>GET /api/sweeps/{id}</c>,
/// <c>POST /api/sweeps/{id}/cancel</c> and <c>POST /api/sweeps/{id}/fit?law=NAME</c> (the shape of <c>/api/laws/{name}/fit</c>).
/// </summary>
public static class SweepEndpoints
{
    /// <summary>Largest sweep body accepted, bytes.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Maps <c>/api/sweeps</c>.</summary>
    public static IEndpointRouteBuilder MapSweepEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sweeps");
        group.MapPost("", CreateAsync);
        group.MapGet("", async (SweepRepository sweeps, CancellationToken ct) => Results.Ok(await sweeps.ListAsync(ct)));
        group.MapGet("{id:guid}", async (Guid id, SweepRepository sweeps, CancellationToken ct) =>
            await sweeps.GetAsync(id, ct) is { } sweep ? Results.Ok(sweep) : NotFound(id));
        group.MapPost("{id:guid}/cancel", CancelAsync);
        group.MapPost("{id:guid}/fit", FitAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SweepService service, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var buffer = new char[MaxBodyBytes + 1];
        int read;
        try
        {
            read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            read = MaxBodyBytes + 1; // a chunked body over the limit: the same answer as a declared one
        }
        if (read > MaxBodyBytes) return Security.BodySizeLimitMiddleware.TooLarge(MaxBodyBytes);
        var (created, errors) = await service.CreateAsync(new string(buffer, 0, read), ct);
        return created is null
            ? Invalid(errors, "The sweep is invalid.")
            : Results.Created($"/api/sweeps/{created.SweepId}", created);
    }

    private static async Task<IResult> CancelAsync(Guid id, SweepRunner runner, SweepRepository sweeps, CancellationToken ct)
    {
        if (runner.Cancel(id)) return Results.Accepted($"/api/sweeps/{id}");
        return await sweeps.GetAsync(id, ct) is null
            ? NotFound(id)
            : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The sweep is not running.", detail: $"Sweep {id} is not running.");
    }

    private static async Task<IResult> FitAsync(Guid id, string? law, SweepFitter fitter, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(law))
            return Invalid([new ConfigError("law", $"is required: one of {string.Join(", ", ScalingLaws.Names)}")], "The fit request is invalid.");
        if (!ScalingLaws.TryGet(law, out var scalingLaw))
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Law not found.",
                detail: $"No scaling law is named '{law}'. Known: {string.Join(", ", ScalingLaws.Names)}.");
        if (await fitter.FitAsync(id, scalingLaw, ct) is not { } result) return NotFound(id);
        return result.Fit is { } fit ? Results.Ok(fit) : Invalid(result.Errors, "The sweep cannot be fitted.");
    }

    private static IResult Invalid(IReadOnlyList<ConfigError> errors, string title) => Results.ValidationProblem(
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
        title: title, detail: string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Sweep not found.", detail: $"No sweep has id {id}.");
}
