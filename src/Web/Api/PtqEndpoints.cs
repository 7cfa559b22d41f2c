using QuantScope.Web.Ptq;

namespace QuantScope.Web.Api;

/// <summary>
/// <c>GET /api/runs/{id}/checkpoints</c>, <c>POST /api/runs/{id}/ptq</c> (202 with a job) and <c>GET /api/ptq/{jobId}</c>:
/// post-training quantization of a run's checkpoints, on a background worker thread.
/// </summary>
public static class PtqEndpoints
{
    /// <summary>Maps the PTQ endpoints.</summary>
    public static IEndpointRouteBuilder MapPtqEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{id:guid}/checkpoints", CheckpointsAsync);
        app.MapPost("/api/runs/{id:guid}/ptq", StartAsync);
        app.MapGet("/api/ptq/{jobId:guid}", (Guid jobId, PtqJobRunner runner) => runner.Get(jobId) is { } job
            ? Results.Ok(job.ToDto())
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "PTQ job not found.", detail: $"No PTQ job has id {jobId}."));
        return app;
    }

    private static async Task<IResult> CheckpointsAsync(Guid id, PtqService ptq, CancellationToken ct) =>
        await ptq.CheckpointsAsync(id, ct) is { } checkpoints ? Results.Ok(checkpoints) : RunNotFound(id);

    private static async Task<IResult> StartAsync(Guid id, HttpRequest http, PtqService ptq, PtqJobRunner runner, CancellationToken ct)
    {
        PtqRequestDto? request;
        try
        {
            request = http.HasJsonContentType() ? await http.ReadFromJsonAsync<PtqRequestDto>(ct) : null; // a body that is not JSON got 415 already
        }
        catch (System.Text.Json.JsonException ex)
        {
            return Invalid(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.'), "is not valid JSON of the expected type");
        }

        var (prepared, engineRequest, found, field, error) = await ptq.PrepareAsync(id, request ?? new PtqRequestDto(), ct);
        if (!found) return RunNotFound(id);
        if (prepared is null) return Invalid(field!, error!);
        var job = runner.Enqueue(id, prepared, engineRequest!);
        return Results.Accepted($"/api/ptq/{job.Id}", job.ToDto());
    }

    private static IResult RunNotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: $"No run has id {id}.");

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Bad PTQ request.");
}
