using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Api;

/// <summary><c>POST /api/runs/{id}/resume</c>: continue an interrupted, failed or cancelled engine run from its latest checkpoint.</summary>
public static class ResumeEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapResumeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/runs/{id:guid}/resume", ResumeAsync);
        return app;
    }

    // 202 + the step resumed from; 404 unknown run; 409 when it is active, not an engine run, completed or has no checkpoint.
    private static async Task<IResult> ResumeAsync(Guid id, RunCoordinator coordinator, CancellationToken ct)
    {
        try
        {
            var step = await coordinator.ResumeAsync(id, ct);
            return Results.Accepted($"/api/runs/{id}", new RunResumedDto(id, step));
        }
        catch (RunNotFoundException)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: $"No run has id {id}.");
        }
        catch (RunResumeException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run cannot be resumed.", detail: ex.Message);
        }
    }
}
