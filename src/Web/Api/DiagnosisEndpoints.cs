using QuantScope.Web.Analysis;

namespace QuantScope.Web.Api;

/// <summary><c>GET /api/runs/{id}/diagnosis</c>: what the detectors find in a run, live or ended.</summary>
public static class DiagnosisEndpoints
{
    /// <summary>Maps the diagnosis endpoint and the keep-list's (<see cref="KeepListEndpoints"/>), both read from the detectors' input.</summary>
    public static IEndpointRouteBuilder MapDiagnosisEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{id:guid}/diagnosis", DiagnoseAsync);
        app.MapKeepListEndpoints();
        return app;
    }

    private static async Task<IResult> DiagnoseAsync(Guid id, RunDiagnoser diagnoser, CancellationToken ct) =>
        await diagnoser.DiagnoseAsync(id, ct) is { } findings
            ? Results.Ok(new DiagnosisDto(findings))
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: $"No run has id {id}.");
}
