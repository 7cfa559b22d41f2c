using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Compare;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Api;

/// <summary>
/// <c>GET /api/compare?run=A&amp;baseline=B&amp;metric=loss&amp;last=1000</c> and
/// <c>GET /api/compare/heatmap-diff?a=A&amp;b=B&amp;metric=overflowFraction&amp;role=input</c> (A − B, the heatmap shape).
/// </summary>
public static class CompareEndpoints
{
    /// <summary>Maps <c>/api/compare</c>.</summary>
    public static IEndpointRouteBuilder MapCompareEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compare", CompareAsync);
        app.MapGet("/api/compare/heatmap-diff", HeatmapDiffAsync);
        return app;
    }

    private static async Task<IResult> CompareAsync(string? run, string? baseline, string? metric, int? last, RunComparer comparer, CancellationToken ct)
    {
        if (!Guid.TryParse(run, out var a)) return Invalid("run", "is required and must be a run id");
        if (!Guid.TryParse(baseline, out var b)) return Invalid("baseline", "is required and must be a run id");
        var (result, field, error) = await comparer.CompareAsync(a, b, metric ?? MetricCatalog.Loss, last ?? 1000, ct);
        return result is not null ? Results.Ok(result) : Invalid(field!, error!);
    }

    private static async Task<IResult> HeatmapDiffAsync(
        string? a, string? b, string? metric, string? role, RunRepository runs, MetricSeriesRepository series, CancellationToken ct)
    {
        if (!Guid.TryParse(a, out var first)) return Invalid("a", "is required and must be a run id");
        if (!Guid.TryParse(b, out var second)) return Invalid("b", "is required and must be a run id");
        var (diff, field, error) = await new CompareService(runs, series).DifferenceAsync(first, second, metric, role, ct);
        if (diff is not null) return Results.Ok(diff);
        return field is "a" or "b"
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: error)
            : Invalid(field!, error!);
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Bad comparison.");
}
