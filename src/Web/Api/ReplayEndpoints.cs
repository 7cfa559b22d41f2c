using QuantScope.Web.Analysis;

namespace QuantScope.Web.Api;

/// <summary><c>POST /api/runs/{id}/replay</c>: delayed-scaling what-if over a run's recorded amax.</summary>
public static class ReplayEndpoints
{
    /// <summary>Maps the replay endpoint.</summary>
    public static IEndpointRouteBuilder MapReplayEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs/{id:guid}/replay", ReplayAsync);
        return app;
    }

    private static async Task<IResult> ReplayAsync(Guid id, HttpRequest http, RunReplayer replayer, CancellationToken ct)
    {
        ReplayRequestDto? request;
        try
        {
            request = http.HasJsonContentType() ? await http.ReadFromJsonAsync<ReplayRequestDto>(ct) : null; // a body that is not JSON got 415 already
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Invalid(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.'), "is not valid JSON of the expected type");
        }

        var (result, found, field, error) = await replayer.ReplayAsync(id, request ?? new ReplayRequestDto(null, null, null, null, null, null), ct);
        if (!found) return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: $"No run has id {id}.");
        return result is not null ? Results.Ok(result) : Invalid(field!, error!);
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Bad replay request.");
}
