using QuantScope.Data;
using QuantScope.Data.Export;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;

namespace QuantScope.Web.Api;

/// <summary>
/// File exports of a run: <c>heatmap.png|svg|csv?metric=&amp;role=[&amp;width=&amp;height=]</c>,
/// <c>series.csv|parquet?metric=[&amp;layer=&amp;role=]</c> and <c>export.zip</c> under <c>/api/runs/{id}</c>.
/// </summary>
public static class ExportEndpoints
{
    /// <summary>Maps the export routes.</summary>
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs/{id:guid}");
        group.MapGet("heatmap.png", (Guid id, string? metric, string? role, int? width, int? height, RunRepository runs, MetricSeriesRepository series, CancellationToken ct) =>
            SendAsync(new ExportRequest(id, ExportFormat.Png, metric, role, null, width, height), runs, series, ct));
        group.MapGet("heatmap.svg", (Guid id, string? metric, string? role, int? width, int? height, RunRepository runs, MetricSeriesRepository series, CancellationToken ct) =>
            SendAsync(new ExportRequest(id, ExportFormat.Svg, metric, role, null, width, height), runs, series, ct));
        group.MapGet("heatmap.csv", (Guid id, string? metric, string? role, RunRepository runs, MetricSeriesRepository series, CancellationToken ct) =>
            SendAsync(new ExportRequest(id, ExportFormat.Csv, metric, role), runs, series, ct, heatmap: true));
        group.MapGet("series.csv", (Guid id, string? metric, string? layer, string? role, RunRepository runs, MetricSeriesRepository series, CancellationToken ct) =>
            SendAsync(new ExportRequest(id, ExportFormat.Csv, metric, role, layer), runs, series, ct, seriesOnly: true));
        group.MapGet("series.parquet", (Guid id, string? metric, string? layer, string? role, RunRepository runs, MetricSeriesRepository series, CancellationToken ct) =>
            SendAsync(new ExportRequest(id, ExportFormat.Parquet, metric, role, layer), runs, series, ct, seriesOnly: true));
        group.MapGet("export.zip", (Guid id, RunRepository runs, MetricSeriesRepository series, CancellationToken ct) =>
            SendAsync(new ExportRequest(id, ExportFormat.Zip), runs, series, ct));
        return app;
    }

    private static async Task<IResult> SendAsync(
        ExportRequest request, RunRepository runs, MetricSeriesRepository series, CancellationToken ct,
        bool heatmap = false, bool seriesOnly = false)
    {
        var exporter = new RunExporter(runs, series);
        var outcome = heatmap ? await exporter.HeatmapAsync(request, ct)
            : seriesOnly ? await exporter.SeriesAsync(request, ct)
            : await exporter.ExportAsync(request, ct);
        if (outcome.RunNotFound)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.",
                detail: $"No run has id {request.RunId}.");
        }
        if (outcome.File is not { } file)
        {
            return Results.ValidationProblem(
                outcome.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "Bad export query.");
        }
        return Results.File(file.Content, file.ContentType, file.FileName);
    }
}
