using System.Collections.Concurrent;
using System.Text.Json;
using QuantScope.Data;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Ingest;

/// <summary>
/// Live ingestion from external processes (HTTP and the metrics hub): creates external runs, validates columnar
/// batches completely before anything is written, maps layer names onto the run's layer list (appending new ones,
/// stored and announced to open pages before the points that use them), and publishes through
/// <see cref="MetricIngress"/> in merge mode, the same lossless persist path and live fan-out as engine runs.
/// </summary>
public sealed class ExternalRunIngestor(RunRepository runs, MetricIngress ingress)
{
    /// <summary>Layers an external run may have at the most (a guard against a job that logs per-tensor noise names).</summary>
    public const int MaxLayers = 4096;

    /// <summary>Longest run name, characters.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest error text kept for a failed run, characters.</summary>
    public const int MaxErrorLength = 4000;

    private readonly ConcurrentDictionary<Guid, ExternalRunState> _states = new();

    /// <summary>Records a new external run, status Running; null id and errors when the request is invalid.</summary>
    public async Task<(Guid? Id, IReadOnlyList<ConfigError> Errors)> CreateAsync(ExternalRunRequestDto request, CancellationToken ct)
    {
        var errors = new List<ConfigError>();
        if (!string.Equals(request.Kind, RunKinds.External, StringComparison.OrdinalIgnoreCase))
            errors.Add(new ConfigError("kind", $"must be '{RunKinds.External}'"));
        var name = string.IsNullOrWhiteSpace(request.Name) ? RunKinds.External : request.Name.Trim();
        if (name.Length > MaxNameLength) errors.Add(new ConfigError("name", $"must be at most {MaxNameLength} characters"));
        var layers = request.Layers ?? [];
        if (layers.Count > MaxLayers) errors.Add(new ConfigError("layers", $"must list at most {MaxLayers} layers"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Count && errors.Count < MetricColumnsReader.MaxErrors; i++)
        {
            if (string.IsNullOrWhiteSpace(layers[i]) || layers[i].Length > MetricColumnsReader.MaxNameLength)
                errors.Add(new ConfigError($"layers[{i}]", $"must be a non-empty name of at most {MetricColumnsReader.MaxNameLength} characters"));
            else if (!seen.Add(layers[i]))
                errors.Add(new ConfigError($"layers[{i}]", $"'{layers[i]}' is listed twice"));
        }
        if (errors.Count > 0) return (null, errors);

        var now = DateTime.UtcNow;
        var run = new RunEntity
        {
            Name = name,
            Kind = RunKinds.External,
            Status = RunStatus.Running,
            ConfigJson = JsonSerializer.Serialize(new { source = RunKinds.External }, JsonDefaults.Options),
            LayersJson = RunLayers.Serialize(layers),
            CreatedAt = now,
            StartedAt = now,
        };
        await runs.CreateAsync(run, ct);
        ingress.AnnounceStatus(run.Id, RunStatus.Running, null, layers);
        return (run.Id, []);
    }

    /// <summary>Validates and publishes one columnar batch of an external run.</summary>
    public async Task<IngestResult> IngestAsync(Guid runId, MetricColumnsDto? columns, CancellationToken ct)
    {
        var (points, errors) = MetricColumnsReader.Read(columns);
        if (points is null) return IngestResult.Invalid(errors);

        var state = _states.GetOrAdd(runId, _ => new ExternalRunState());
        await state.Gate.WaitAsync(ct);
        try
        {
            if (await LoadAsync(runId, state, ct) is { } refused) return refused;
            var fresh = points.Where(p => p.Layer is not null && !state.Index.ContainsKey(p.Layer))
                .Select(p => p.Layer!).Distinct(StringComparer.Ordinal).ToList();
            if (state.Layers.Count + fresh.Count > MaxLayers)
            {
                return IngestResult.Invalid([new ConfigError("layers",
                    $"the batch names {fresh.Count} new layers; the run has {state.Layers.Count} and may have at most {MaxLayers}")]);
            }
            if (fresh.Count > 0) await AppendLayersAsync(runId, state, fresh, ct);

            var batch = MetricBatchBuilder.Build(runId, points, state);
            await ingress.PublishAsync(batch, merge: true, ct);
            return IngestResult.Ok(points.Count, state.Layers.Count);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Ends an external run (Completed unless the body says failed) after the points queued before it.</summary>
    public async Task<IngestResult> FinishAsync(Guid runId, FinishRunDto? body, CancellationToken ct)
    {
        RunStatus status;
        switch (body?.Status?.Trim().ToLowerInvariant())
        {
            case null or "" or "completed": status = RunStatus.Completed; break;
            case "failed": status = RunStatus.Failed; break;
            default: return IngestResult.Invalid([new ConfigError("status", "must be 'completed' or 'failed'")]);
        }
        var error = body?.Error is { Length: > MaxErrorLength } e ? e[..MaxErrorLength] : body?.Error;

        var state = _states.GetOrAdd(runId, _ => new ExternalRunState());
        await state.Gate.WaitAsync(ct);
        try
        {
            if (await LoadAsync(runId, state, ct) is { } refused) return refused;
            state.Finished = true;
            var layerCount = state.Layers.Count;
            state.Layers.Clear(); // a finished run keeps only its flag here
            state.Index.Clear();
            await ingress.EndRunAsync(runId, status, error, ct);
            return IngestResult.Ok(0, layerCount);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Null when the run takes points (state loaded); otherwise why not. Call under the state's gate.</summary>
    private async Task<IngestResult?> LoadAsync(Guid runId, ExternalRunState state, CancellationToken ct)
    {
        if (state.Finished) return IngestResult.Conflict($"Run {runId} is finished; it takes no more points.");
        if (state.Loaded) return null;
        var run = await runs.GetAsync(runId, ct);
        if (run is null || run.Kind != RunKinds.External || run.Status != RunStatus.Running)
        {
            _states.TryRemove(runId, out _); // remember only live external runs
            if (run is null) return IngestResult.NotFound(runId);
            return IngestResult.Conflict(run.Kind != RunKinds.External
                ? $"Run {runId} is an {run.Kind} run; only external runs take points."
                : $"Run {runId} is {run.Status.ToString().ToLowerInvariant()}; it takes no more points.");
        }
        state.Layers.Clear();
        state.Index.Clear();
        foreach (var layer in run.GetLayers()) state.IndexOf(layer);
        state.Loaded = true;
        return null;
    }

    private async Task AppendLayersAsync(Guid runId, ExternalRunState state, List<string> fresh, CancellationToken ct)
    {
        foreach (var layer in fresh) state.IndexOf(layer);
        try
        {
            // Stored before the points are queued, so a page that reads the run sees every layer its points index.
            if (!await runs.SetLayersAsync(runId, state.Layers, ct))
                throw new RunNotFoundException(runId);
        }
        catch
        {
            state.Loaded = false; // reload the list from the store next time
            throw;
        }
        ingress.AnnounceStatus(runId, RunStatus.Running, null, state.Layers.ToArray());
    }
}
