using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Configuration;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Ingest;
using QuantScope.Web.Runs;

namespace QuantScope.Web.Api;

/// <summary>The REST API over runs: create, list, read, cancel, and read series.</summary>
public static class RunEndpoints
{
    /// <summary>Maps <c>/api/runs</c>.</summary>
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/runs");
        group.MapPost("", CreateAsync);
        group.MapGet("", ListAsync);
        group.MapGet("{id:guid}", GetAsync);
        group.MapPost("{id:guid}/cancel", CancelAsync);
        group.MapMethods("{id:guid}", ["PATCH"], EditAsync);
        group.MapDelete("{id:guid}", DeleteAsync);
        group.MapGet("{id:guid}/series", SeriesAsync);
        group.MapGet("{id:guid}/heatmap", HeatmapAsync);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, RunCoordinator coordinator, CancellationToken ct)
    {
        ValidationResult<Engine.Training.ValidTrainConfig> read;
        try
        {
            if (await IngestEndpoints.TryCreateExternalAsync(request, ct) is { } external) return external;
            read = await ConfigReader.ReadAsync(request, ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Security.BodySizeLimitMiddleware.TooLarge(ConfigReader.MaxBodyBytes); // a chunked body: the same answer as a declared one
        }
        var (config, errors) = read;
        if (config is null) return Invalid(errors, "The run config is invalid.");
        var id = await coordinator.StartAsync(config, ct);
        return Results.Created($"/api/runs/{id}", new RunCreatedDto(id));
    }

    private static async Task<IResult> ListAsync(RunRepository runs, CancellationToken ct) =>
        Results.Ok((await runs.ListAsync(ct)).Select(ToDto));

    private static async Task<IResult> GetAsync(Guid id, RunRepository runs, CancellationToken ct) =>
        await runs.GetAsync(id, ct) is { } run ? Results.Ok(ToDto(run)) : NotFound(id);

    private static async Task<IResult> EditAsync(Guid id, RunEditDto? edit, RunRepository runs, CancellationToken ct)
    {
        if (edit is null) return Invalid([new ConfigError("$", "the body must be a JSON object")], "Bad run edit.");
        var errors = edit.Validate();
        if (errors.Count > 0) return Invalid(errors, "Bad run edit.");
        if (!await runs.EditAsync(id, edit.Name?.Trim(), edit.Tags?.Select(t => t.Trim()).ToArray(), edit.Notes, ct)) return NotFound(id);
        return Results.Ok(ToDto((await runs.GetAsync(id, ct))!));
    }

    private static async Task<IResult> DeleteAsync(Guid id, RunRepository runs, RunControl control, ExternalRunIngestor ingestor, CancellationToken ct)
    {
        if (await control.IsTrainingAsync(id, ct))
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run is still training.", detail: $"Cancel run {id} first.");
        if (!await runs.DeleteAsync(id, ct)) return NotFound(id);
        ingestor.Forget(id); // a deleted external run takes no more points nor a finish: 404 like GET
        return Results.NoContent();
    }

    private static async Task<IResult> CancelAsync(Guid id, RunControl control, CancellationToken ct)
    {
        try
        {
            return await control.CancelAsync(id, ct) ? Results.Accepted($"/api/runs/{id}") : Results.Problem(
                statusCode: StatusCodes.Status409Conflict, title: "The run is not running.", detail: $"Run {id} is not active.");
        }
        catch (IOException ex)
        {
            return OtherHostsAway(ex);
        }
    }

    // Several dashboard hosts and Redis away: whether another host trains the run cannot be known now.
    private static IResult OtherHostsAway(IOException ex) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Other dashboard hosts cannot be reached.", detail: ex.Message);

    private static async Task<IResult> SeriesAsync(
        Guid id, string? metric, string? layer, string? role, int? points,
        RunRepository runs, MetricSeriesRepository series, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run) return NotFound(id);
        if (string.IsNullOrWhiteSpace(metric)) return Invalid([new ConfigError("metric", "is required")], "Bad series query.");

        if (points is < 2) return Invalid([new ConfigError("points", "must be at least 2")], "Bad series query.");
        // Our own scalar names, or (imported and external runs) any name the run stored as a scalar.
        var scalar = MetricCatalog.IsScalar(metric);
        IReadOnlyList<SeriesPoint> values = scalar || layer is null ? await series.ReadScalarAsync(id, metric, ct) : [];
        if (!scalar && values.Count == 0)
        {
            var layers = run.GetLayers();
            var index = layer is null ? -1 : layers.ToList().IndexOf(layer);
            if (index < 0)
            {
                return Invalid([new ConfigError("layer", layer is null
                    ? $"is required for the per-layer metric '{metric}'"
                    : $"'{layer}' is not a layer of this run")], "Bad series query.");
            }
            role ??= TensorRoles.Input;
            if (!TensorRoles.IsKnown(role))
            {
                return Invalid([new ConfigError("role", "must be input, weight or grad")], "Bad series query.");
            }
            values = await series.ReadLayerAsync(id, metric, role, index, ct);
        }

        if (points is { } max) values = SeriesDownsampler.MinMax(values, max); // long runs: keep each bucket's extremes
        return Results.Ok(values.Select(p => new SeriesPointDto(p.Step, p.Value)));
    }

    private static async Task<IResult> HeatmapAsync(
        Guid id, string? metric, string? role, RunRepository runs, MetricSeriesRepository series, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run) return NotFound(id);
        if (string.IsNullOrWhiteSpace(metric) || MetricCatalog.IsScalar(metric))
            return Invalid([new ConfigError("metric", "is required and must be a per-layer metric (e.g. overflowFraction)")], "Bad heatmap query.");
        role ??= TensorRoles.Input;
        if (!TensorRoles.IsKnown(role))
            return Invalid([new ConfigError("role", "must be input, weight or grad")], "Bad heatmap query.");

        var layers = run.GetLayers();
        var heatmap = await series.ReadHeatmapAsync(id, metric, role, ct);
        // Stored per step over layers; served per layer over steps, NaN (not measured) as null.
        var values = new float?[layers.Count][];
        for (var l = 0; l < layers.Count; l++)
        {
            values[l] = new float?[heatmap.Steps.Length];
            for (var j = 0; j < heatmap.Steps.Length; j++)
            {
                var row = heatmap.Values[j];
                values[l][j] = l < row.Length && !float.IsNaN(row[l]) ? row[l] : null;
            }
        }

        return Results.Ok(new HeatmapDto(layers, heatmap.Steps, values));
    }

    private static IResult Invalid(IReadOnlyList<ConfigError> errors, string title) => ValidationProblems.From(errors, title);

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Run not found.", detail: $"No run has id {id}.");

    private static RunDto ToDto(RunEntity r)
    {
        using var config = JsonDocument.Parse(string.IsNullOrEmpty(r.ConfigJson) ? "{}" : r.ConfigJson);
        using var plan = JsonDocument.Parse(string.IsNullOrEmpty(r.PlanJson) ? "{}" : r.PlanJson);
        JsonElement? summary = null;
        if (!string.IsNullOrEmpty(r.SummaryJson))
        {
            using var doc = JsonDocument.Parse(r.SummaryJson);
            summary = doc.RootElement.Clone();
        }

        return new RunDto(r.Id, r.Name, r.Kind, r.Status, config.RootElement.Clone(), r.GetLayers(), plan.RootElement.Clone(),
            r.LastStep, r.CreatedAt, r.StartedAt, r.EndedAt, r.Error, summary,
            JsonSerializer.Deserialize<string[]>(string.IsNullOrEmpty(r.TagsJson) ? "[]" : r.TagsJson) ?? [], r.Notes,
            Compare.RunOverviews.ReadPlan(r.PlanJson)?.Device);
    }
}
