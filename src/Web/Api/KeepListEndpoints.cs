using System.Globalization;
using QuantScope.Engine.Analysis.KeepList;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Analysis;

namespace QuantScope.Web.Api;

/// <summary>
/// <c>GET /api/runs/{id}/keep-list?target=F</c>: the smallest set of layers to keep in high precision so that the
/// predicted error falls to F (default 0.5) of the run's; <c>POST /api/runs/{id}/keep-list/run?target=F</c>: starts a
/// run with the same config and that plan (201 with the new run's id).
/// </summary>
public static class KeepListEndpoints
{
    /// <summary>Maps the keep-list endpoints.</summary>
    public static IEndpointRouteBuilder MapKeepListEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs/{id:guid}/keep-list", RecommendAsync);
        app.MapPost("/api/runs/{id:guid}/keep-list/run", StartAsync);
        return app;
    }

    private static async Task<IResult> RecommendAsync(Guid id, string? target, KeepListAdvisor advisor, CancellationToken ct)
    {
        if (Target(target) is not { } fraction) return BadTarget(target);
        try
        {
            return await advisor.RecommendAsync(id, fraction, ct) is { } r ? Results.Ok(KeepListDto.From(r, fraction)) : NotFound(id);
        }
        catch (KeepListInputException ex)
        {
            return ValidationProblems.From([new ConfigError(ex.Field, ex.Problem)], "No keep-list for this run.");
        }
    }

    private static async Task<IResult> StartAsync(Guid id, string? target, KeepListAdvisor advisor, CancellationToken ct)
    {
        if (Target(target) is not { } fraction) return BadTarget(target);
        try
        {
            return await advisor.StartAsync(id, fraction, ct) is { } run ? Results.Created($"/api/runs/{run}", new RunCreatedDto(run)) : NotFound(id);
        }
        catch (KeepListInputException ex)
        {
            return ValidationProblems.From([new ConfigError(ex.Field, ex.Problem)], "Cannot start a run with a keep-list.");
        }
    }

    // Absent = the default; otherwise a number (range checked by the recommender, which names the field too).
    private static double? Target(string? text) => text is null ? KeepListRecommender.DefaultTargetFraction
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static IResult BadTarget(string? text) =>
        ValidationProblems.From([new ConfigError("target", $"must be a number, a fraction in [0, 1) of the run's predicted error, was '{text}'")], "Bad keep-list query.");

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: $"No run has id {id}.");
}
