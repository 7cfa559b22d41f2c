using QuantScope.Data.Export.Heatmaps;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Export;

/// <summary>
/// Reads a run from the store and exports it: heatmaps (PNG, SVG, CSV), series (CSV, Parquet) and the whole run (zip).
/// Validation lives here so the REST API and the <c>export</c> verb answer the same way.
/// </summary>
public sealed class RunExporter(RunRepository runs, MetricSeriesRepository series)
{
    private const string RoleMessage = "must be input, weight or grad";

    /// <summary>
    /// Routes a request: png and svg draw the heatmap; csv writes one series when the metric is scalar or a layer is
    /// named, else the heatmap; parquet writes one series; zip the whole run.
    /// </summary>
    public Task<ExportOutcome> ExportAsync(ExportRequest request, CancellationToken ct) => request.Format switch
    {
        ExportFormat.Png or ExportFormat.Svg => HeatmapAsync(request, ct),
        ExportFormat.Csv when request.Layer is not null || (request.Metric is { } m && MetricCatalog.IsScalar(m)) => SeriesAsync(request, ct),
        ExportFormat.Csv => HeatmapAsync(request, ct),
        ExportFormat.Parquet => SeriesAsync(request, ct),
        ExportFormat.Zip => ArchiveAsync(request.RunId, ct),
        _ => Task.FromResult(ExportOutcome.Invalid("format", "must be png, svg, csv, parquet or zip")),
    };

    /// <summary>A per-layer metric over layers and steps as PNG, SVG or CSV.</summary>
    public async Task<ExportOutcome> HeatmapAsync(ExportRequest request, CancellationToken ct)
    {
        if (request.Format is not (ExportFormat.Png or ExportFormat.Svg or ExportFormat.Csv))
            return ExportOutcome.Invalid("format", "a heatmap is png, svg or csv");
        if (await runs.GetAsync(request.RunId, ct) is not { } run) return ExportOutcome.NotFound;
        if (CheckMetric(request.Metric) is { } metricError) return metricError;
        var metric = request.Metric!;
        if (MetricCatalog.IsScalar(metric))
            return ExportOutcome.Invalid("metric", $"'{metric}' is a scalar metric; a heatmap needs a per-layer metric (e.g. overflowFraction)");
        var role = request.Role ?? TensorRoles.Input;
        if (!TensorRoles.IsKnown(role)) return ExportOutcome.Invalid("role", RoleMessage);

        var layers = run.GetLayers();
        var width = request.Width ?? HeatmapImage.DefaultWidth;
        var height = request.Height ?? HeatmapImage.DefaultHeight(layers.Count);
        if (width is < HeatmapImage.MinSize or > HeatmapImage.MaxSize)
            return ExportOutcome.Invalid("width", $"must be {HeatmapImage.MinSize}..{HeatmapImage.MaxSize} pixels");
        if (height is < HeatmapImage.MinSize or > HeatmapImage.MaxSize)
            return ExportOutcome.Invalid("height", $"must be {HeatmapImage.MinSize}..{HeatmapImage.MaxSize} pixels");

        var grid = HeatmapGrid.From(run.Name, metric, role, layers, await series.ReadHeatmapAsync(run.Id, metric, role, ct));
        var name = FileName(run, $"{metric}-{role}");
        return ExportOutcome.Ok(request.Format switch
        {
            ExportFormat.Png => new ExportFile(HeatmapImage.Png(grid, width, height), "image/png", name + ".png"),
            ExportFormat.Svg => new ExportFile(System.Text.Encoding.UTF8.GetBytes(HeatmapImage.Svg(grid, width, height)), "image/svg+xml", name + ".svg"),
            _ => new ExportFile(HeatmapCsv.WriteBytes(grid), "text/csv", name + ".csv"),
        });
    }

    /// <summary>One series (a scalar metric, or one layer of a per-layer metric and role) as CSV or Parquet.</summary>
    public async Task<ExportOutcome> SeriesAsync(ExportRequest request, CancellationToken ct)
    {
        if (request.Format is not (ExportFormat.Csv or ExportFormat.Parquet))
            return ExportOutcome.Invalid("format", "a series is csv or parquet");
        if (await runs.GetAsync(request.RunId, ct) is not { } run) return ExportOutcome.NotFound;
        if (CheckMetric(request.Metric) is { } metricError) return metricError;
        var metric = request.Metric!;

        IReadOnlyList<SeriesPoint> points;
        string name;
        if (MetricCatalog.IsScalar(metric))
        {
            points = await series.ReadScalarAsync(run.Id, metric, ct);
            name = FileName(run, metric);
        }
        else
        {
            var layers = run.GetLayers();
            var index = request.Layer is null ? -1 : layers.ToList().IndexOf(request.Layer);
            if (index < 0)
            {
                return ExportOutcome.Invalid("layer", request.Layer is null
                    ? $"is required for the per-layer metric '{metric}'"
                    : $"'{request.Layer}' is not a layer of this run");
            }
            var role = request.Role ?? TensorRoles.Input;
            if (!TensorRoles.IsKnown(role)) return ExportOutcome.Invalid("role", RoleMessage);
            points = await series.ReadLayerAsync(run.Id, metric, role, index, ct);
            name = FileName(run, $"{metric}-{role}-{request.Layer}");
        }

        return ExportOutcome.Ok(request.Format == ExportFormat.Csv
            ? new ExportFile(SeriesFiles.Csv(points), "text/csv", name + ".csv")
            : new ExportFile(await SeriesFiles.ParquetAsync(points, ct), "application/vnd.apache.parquet", name + ".parquet"));
    }

    /// <summary>The whole run as a zip (see <see cref="RunArchive"/>).</summary>
    public async Task<ExportOutcome> ArchiveAsync(Guid runId, CancellationToken ct)
    {
        if (await runs.GetAsync(runId, ct) is not { } run) return ExportOutcome.NotFound;
        var scalars = await series.ReadScalarPointsAsync(run.Id, ct);
        var layerPoints = await series.ReadLayerPointsAsync(run.Id, ct);
        return ExportOutcome.Ok(new ExportFile(RunArchive.Write(run, scalars, layerPoints), "application/zip", FileName(run, "run") + ".zip"));
    }

    private static ExportOutcome? CheckMetric(string? metric) =>
        string.IsNullOrWhiteSpace(metric) ? ExportOutcome.Invalid("metric", "is required")
        : metric.Length > 200 || metric.Any(char.IsControl) ? ExportOutcome.Invalid("metric", "is not a metric name")
        : null;

    /// <summary>"RUNNAME-what", with characters that are unsafe in file names replaced by '_'.</summary>
    private static string FileName(RunEntity run, string what)
    {
        var raw = $"{(string.IsNullOrWhiteSpace(run.Name) ? run.Id.ToString("N")[..8] : run.Name)}-{what}";
        return new string([.. raw.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
    }
}
