using QuantScope.Web.Studies;

namespace QuantScope.Web.Api;

/// <summary>
/// The REST API over studies: <c>POST /api/studies/demo</c> (starts the demo study: its four runs, queued through the
/// run coordinator), <c>GET /api/studies</c> (newest first) and <c>GET /api/studies/{id}</c> (runs in arm order, their
/// results and the study's targets).
/// </summary>
public static class StudyEndpoints
{
    /// <summary>Maps <c>/api/studies</c>.</summary>
    public static IEndpointRouteBuilder MapStudyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/studies");
        group.MapPost("demo", async (StudyService studies, CancellationToken ct) =>
        {
            var created = await studies.StartDemoAsync(ct);
            return Results.Created($"/api/studies/{created.StudyId}", created);
        });
        group.MapPost("{id:guid}/cancel", async (Guid id, StudyService studies, CancellationToken ct) =>
            await studies.CancelAsync(id, ct) is { } cancelled
                ? Results.Accepted($"/api/studies/{id}", new { cancelled })
                : NotFound(id));
        group.MapGet("", async (StudyRepository studies, CancellationToken ct) => Results.Ok(await studies.ListAsync(ct)));
        group.MapGet("{id:guid}", async (Guid id, StudyRepository studies, CancellationToken ct) =>
            await studies.GetAsync(id, ct) is { } study ? Results.Ok(study) : NotFound(id));
        return app;
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Study not found.", detail: $"No study has id {id}.");
}
