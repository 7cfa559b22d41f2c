using System.Text.Json;
using QuantScope.Engine.Analysis.Laws;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Api;

/// <summary>
/// The REST API over scaling laws: <c>GET /api/laws</c>, <c>POST /api/laws/{name}/evaluate</c> and
/// <c>POST /api/laws/{name}/fit</c> (the name picks the family: chen2025-* fits the Chen form, kumar2024-ptq Kumar's).
/// </summary>
public static class LawEndpoints
{
    /// <summary>Maps <c>/api/laws</c>.</summary>
    public static IEndpointRouteBuilder MapLawEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/laws");
        group.MapGet("", () => Results.Ok(ScalingLaws.All.Select(LawMapping.ToDto)));
        group.MapPost("{name}/evaluate", EvaluateAsync);
        group.MapPost("{name}/fit", FitAsync);
        return app;
    }

    private static async Task<IResult> EvaluateAsync(string name, HttpRequest request, CancellationToken ct)
    {
        if (!ScalingLaws.TryGet(name, out var law)) return NotFound(name);
        var (body, error) = await ReadAsync<LawEvaluateRequestDto>(request, ct);
        if (error is not null) return error;
        try
        {
            var input = LawMapping.ToInput(body!);
            return Results.Ok(new LawEvaluateResultDto(law.Name, law.Evaluate(input)));
        }
        catch (LawInputException ex)
        {
            return Invalid(ex);
        }
    }

    private static async Task<IResult> FitAsync(string name, HttpRequest request, CancellationToken ct)
    {
        if (!ScalingLaws.TryGet(name, out var law)) return NotFound(name);
        var (body, error) = await ReadAsync<LawFitRequestDto>(request, ct);
        if (error is not null) return error;
        try
        {
            // A few hundred points fit in well under a millisecond: no need to leave the request thread.
            var fit = ScalingLawFitter.Fit(law.Family, LawMapping.ToPoints(body!.Points));
            return Results.Ok(LawMapping.ToDto(fit, law));
        }
        catch (LawInputException ex)
        {
            return Invalid(ex);
        }
    }

    /// <summary>The body in the app's JSON dialect, or a 400 naming where it stopped parsing.</summary>
    private static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, JsonDefaults.Options, ct);
            return body is null ? (null, Invalid("$", "the body must be a JSON object")) : (body, null);
        }
        catch (JsonException ex)
        {
            return ex.Path is null or "$"
                ? (null, Invalid("$", "the body must be a JSON object"))
                : (null, Invalid(ex.Path.TrimStart('$', '.'), $"is not valid at {ex.Path}: expected a number"));
        }
    }

    private static IResult Invalid(LawInputException ex) => Invalid(ex.Path, ex.Problem, ex.Message);

    private static IResult Invalid(string field, string problem, string? detail = null) => Results.ValidationProblem(
        new Dictionary<string, string[]> { [field] = [problem] }, detail: detail ?? $"{field} {problem}", title: "The law request is invalid.");

    private static IResult NotFound(string name) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Law not found.",
        detail: $"No scaling law is named '{name}'. Known: {string.Join(", ", ScalingLaws.Names)}.");
}
