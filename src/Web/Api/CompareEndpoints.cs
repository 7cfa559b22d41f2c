using QuantScope.Engine.Telemetry;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Api;

/// <summary><c>GET /api/compare?run=A&amp;baseline=B&amp;metric=loss&amp;last=1000</c>.</summary>
public static class CompareEndpoints
{
    /// <summary>Maps <c>/api/compare</c>.</summary>
    public static IEndpointRouteBuilder MapCompareEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/compare", CompareAsync);
        return app;
    }

    private static async Task<IResult> CompareAsync(string? run, string? baseline, string? metric, int? last, RunComparer comparer, CancellationToken ct)
    {
        if (!Guid.TryParse(run, out var a)) return Invalid("run", "is required and must be a run id");
        if (!Guid.TryParse(baseline, out var b)) return Invalid("baseline", "is required and must be a run id");
        var (result, field, error) = await comparer.CompareAsync(a, b, metric ?? MetricNames.Loss, last ?? 1000, ct);
        return result is not null ? Results.Ok(result) : Invalid(field!, error!);
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "Bad comparison.");
}
