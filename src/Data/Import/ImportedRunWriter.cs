using System.Text.Json;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Import;

/// <summary>
/// Stores an import as a run of kind <see cref="RunKinds.Imported"/>: created running with its source and format as
/// config and its layer list, the points written through <see cref="MetricSeriesWriter"/> in batches, then marked
/// completed. A failed write deletes the run, so a half-imported run never stays behind.
/// </summary>
public sealed class ImportedRunWriter(RunRepository runs, MetricSeriesWriter writer)
{
    /// <summary>Points per written batch (one transaction each): large enough to amortise, small enough to keep flushes short.</summary>
    public const int PointsPerBatch = 4096;

    /// <summary>Writes <paramref name="series"/> as a new run named <paramref name="name"/>; <paramref name="source"/> is the file it came from.</summary>
    /// <exception cref="InvalidDataException">The series holds no point.</exception>
    public async Task<ImportResult> WriteAsync(ImportedSeries series, string name, string source, string format, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.PointCount == 0)
            throw new InvalidDataException($"No data points found in '{source}' (format {format}).");

        var id = Guid.NewGuid();
        var now = DateTime.UtcNow;
        await runs.CreateAsync(new RunEntity
        {
            Id = id,
            Name = string.IsNullOrWhiteSpace(name) ? Path.GetFileName(source) : name,
            Kind = RunKinds.Imported,
            Status = RunStatus.Running,
            // Two lower-case string properties: the default serializer writes them exactly as the web dialect would.
            ConfigJson = JsonSerializer.Serialize(new { source, format }),
            LayersJson = RunLayers.Serialize(series.Layers),
            CreatedAt = now,
            StartedAt = now,
            LastStep = -1,
        }, ct);

        try
        {
            foreach (var batch in series.ToBatches(id, PointsPerBatch))
                await writer.WriteAsync([batch], ct);
            await runs.MarkEndedAsync(id, RunStatus.Completed, null, ct);
        }
        catch
        {
            await runs.DeleteAsync(id, CancellationToken.None);
            throw;
        }

        return new ImportResult(id, series.PointCount, series.Metrics(), series.Skipped, format, series.Layers.Count, series.Notes);
    }
}
