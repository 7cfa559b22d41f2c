using System.Text.Json;
using QuantScope.Engine.Numerics;
using QuantScope.Web.Formats;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Api;

/// <summary>The REST API over number formats: list, read one with its grid, and quantize values.</summary>
public static class FormatEndpoints
{
    /// <summary>Maps <c>/api/formats</c>.</summary>
    public static IEndpointRouteBuilder MapFormatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/formats");
        group.MapGet("", () => Results.Ok(FormatCatalog.List()));
        group.MapGet("{name}", Get);
        group.MapPost("{name}/quantize", QuantizeAsync);
        return app;
    }

    private static IResult Get(string name) =>
        FormatCatalog.TryFind(name, out var format) ? Results.Ok(FormatCatalog.Detail(format)) : NotFound(name);

    private static async Task<IResult> QuantizeAsync(string name, HttpRequest request, CancellationToken ct)
    {
        if (!FormatCatalog.TryFind(name, out var format)) return NotFound(name);
        FormatQuantizeRequestDto? body;
        try
        {
            // The app's dialect: "NaN", "Infinity", "-Infinity" are accepted inside "values" and "scale".
            body = await JsonSerializer.DeserializeAsync<FormatQuantizeRequestDto>(request.Body, JsonDefaults.Options, ct);
        }
        catch (JsonException ex)
        {
            return Invalid(new() { [FieldOf(ex.Path)] = [ex.Path is null or "$" ? "the body must be a JSON object" : $"is not valid at {ex.Path}: expected a number (or \"NaN\", \"Infinity\", \"-Infinity\")"] });
        }
        if (body is null) return Invalid(new() { ["$"] = ["the body must be a JSON object"] });

        var scale = body.Scale ?? 1.0;
        var errors = FormatQuantizeLimits.Validate(format, body.Values?.Length, scale, body.GroupSize);
        if (errors.Count > 0) return ValidationProblems.From(errors, InvalidTitle);
        // Synchronous tensor work (its dispose scope is thread-static): no await from here on.
        return Results.Ok(new FormatQuantizeResultDto(FormatQuantizer.Quantize(format, body.Values!, scale, body.GroupSize)));
    }

    /// <summary>"$.values[3]" -> "values", "$.scale" -> "scale", a body that is not JSON -> "$".</summary>
    private static string FieldOf(string? path)
    {
        if (path is null || path == "$") return "$";
        var field = path.TrimStart('$', '.');
        var end = field.IndexOfAny(['[', '.']);
        return end > 0 ? field[..end] : field;
    }

    private const string InvalidTitle = "The quantize request is invalid.";

    private static IResult Invalid(Dictionary<string, string[]> errors) => Results.ValidationProblem(errors, title: InvalidTitle);

    private static IResult NotFound(string name) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Format not found.",
        detail: $"No number format is named '{name}'. Known: {string.Join(", ", NumberFormats.Names)} (and intN-pt, intN-gG).");
}
