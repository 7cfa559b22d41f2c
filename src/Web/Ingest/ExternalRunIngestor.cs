using System.Collections.Concurrent;
using System.Text.Json;
using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Live;
using QuantScope.Web.Reliability;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Ingest;

/// <summary>
/// Live ingestion from external processes (HTTP and the metrics hub): creates external runs, validates columnar
/// batches completely before anything is written, maps layer names onto the run's layer list (appending new ones,
/// stored and announced to open pages before the points that use them), and publishes through
/// <see cref="MetricIngress"/> in merge mode, the same lossless persist path and live fan-out as engine runs.
/// A batch is acknowledged (<see cref="IngestStatus.Ok"/>) only once its SQLite transaction has committed, so an
/// acknowledged point survives a crash of the server; while storage is faulted, or when the commit takes longer than
/// <see cref="PersistHealth.AckTimeout"/>, the answer is <see cref="IngestStatus.Unavailable"/> (resend later).
/// </summary>
public sealed class ExternalRunIngestor(RunRepository runs, MetricIngress ingress, PersistHealth? health = null)
{
    private readonly PersistHealth _health = health ?? new PersistHealth();

    /// <summary>Layers an external run may have at the most (a guard against a job that logs per-tensor noise names).</summary>
    public const int MaxLayers = 4096;

    /// <summary>Longest run name, characters.</summary>
    public const int MaxNameLength = Api.RunEditDto.MaxNameLength;

    /// <summary>The title of a refused finish request.</summary>
    public const string FinishInvalid = "The finish request is invalid; the run was not ended.";

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
        if (Api.RunEditDto.NameProblem(name) is { } problem) errors.Add(new ConfigError("name", problem));
        var layers = request.Layers ?? [];
        if (layers.Count > MaxLayers) errors.Add(new ConfigError("layers", $"must list at most {MaxLayers} layers"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Count && errors.Count < MetricColumnsReader.MaxErrors; i++)
        {
            if (string.IsNullOrWhiteSpace(layers[i]) || layers[i].Length > MetricColumnsReader.MaxNameLength)
                errors.Add(new ConfigError($"layers[{i}]", $"must be a non-empty name of at most {MetricColumnsReader.MaxNameLength} characters"));
            else if (MetricColumnsReader.HasControlCharacter(layers[i]))
                errors.Add(new ConfigError($"layers[{i}]", "must not contain control characters"));
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
        if (_health.Problem is { } problem) return IngestResult.Unavailable(problem + " Nothing was written; resend later.", _health.RetryAfterSeconds);

        // One deadline for the queue wait and the commit: a stuck store answers 503 instead of holding the client.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_health.AckTimeout);
        Task committed;
        int layerCount;
        var state = _states.GetOrAdd(runId, _ => new ExternalRunState());
        try
        {
            await state.Gate.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return NotCommitted(queued: false);
        }
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
            committed = await ingress.PublishCommittedAsync(batch, merge: true, deadline.Token);
            layerCount = state.Layers.Count;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return NotCommitted(queued: false);
        }
        catch (Exception ex) when (StorageFaults.IsTransient(ex))
        {
            return IngestResult.Unavailable($"Storage is unavailable: {StorageFaults.Describe(ex)}. Nothing was written; resend later.", _health.RetryAfterSeconds);
        }
        finally
        {
            state.Gate.Release();
        }

        // Waited outside the gate: the next batches of the run queue meanwhile and commit in the same transaction.
        try
        {
            await committed.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return NotCommitted(queued: true);
        }
        catch (RunNotFoundException)
        {
            return IngestResult.NotFound(runId);
        }
        catch (IOException ex)
        {
            return IngestResult.Unavailable(ex.Message + " Resend the batch later.", _health.RetryAfterSeconds);
        }
        return IngestResult.Ok(points.Count, layerCount);
    }

    private IngestResult NotCommitted(bool queued) => IngestResult.Unavailable(
        (_health.Problem ?? "Storage is slow to commit.") + (queued
            ? $" The batch was queued but not committed within {_health.AckTimeout.TotalSeconds:0.#} s; it may still be stored. Resending it is safe (a step sent twice replaces, never duplicates)."
            : " Nothing was written; resend later."),
        _health.RetryAfterSeconds);

    /// <summary>Ends an external run (Completed unless the body says failed) after the points queued before it.</summary>
    public async Task<IngestResult> FinishAsync(Guid runId, FinishRunDto? body, CancellationToken ct)
    {
        RunStatus status;
        switch (body?.Status?.Trim().ToLowerInvariant())
        {
            case null or "" or "completed": status = RunStatus.Completed; break;
            case "failed": status = RunStatus.Failed; break;
            default: return IngestResult.Invalid([new ConfigError("status", "must be 'completed' or 'failed'")], FinishInvalid);
        }
        var error = body?.Error is { Length: > MaxErrorLength } e ? e[..MaxErrorLength] : body?.Error;

        var state = _states.GetOrAdd(runId, _ => new ExternalRunState());
        await state.Gate.WaitAsync(ct);
        try
        {
            if (!state.Finished) state.Loaded = false; // read the store again: the run may have been deleted (here or by another host)
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

    /// <summary>Forgets a deleted run: its next batch or finish reads the store again (and gets 404).</summary>
    public void Forget(Guid runId) => _states.TryRemove(runId, out _);

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
                : $"Run {runId} is {run.Status.ToText()}; it takes no more points.");
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
