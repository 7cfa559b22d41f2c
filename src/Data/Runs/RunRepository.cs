using Microsoft.EntityFrameworkCore;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Data.Runs;

/// <summary>
/// Runs through EF Core, one short-lived context per call (safe to share as a singleton across Blazor circuits).
/// Returned entities are detached snapshots: change them through this repository, not by mutating them.
/// Updates answer false when the run does not exist (e.g. deleted meanwhile) instead of throwing.
/// </summary>
public sealed class RunRepository(IDbContextFactory<QuantScopeDbContext> contextFactory)
{
    /// <summary>Inserts <paramref name="run"/>. A default <see cref="RunEntity.Id"/> or <see cref="RunEntity.CreatedAt"/> is filled in (new Guid, now).</summary>
    public async Task CreateAsync(RunEntity run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!RunKinds.All.Contains(run.Kind))
            throw new ArgumentException($"Unknown run kind '{run.Kind}' (expected one of: {string.Join(", ", RunKinds.All)}).", nameof(run));
        ArgumentNullException.ThrowIfNull(run.ConfigJson);
        RunLayers.Parse(run.LayersJson); // throws on malformed JSON before it reaches the table
        if (run.Id == Guid.Empty) run.Id = Guid.NewGuid();
        if (run.CreatedAt == default) run.CreatedAt = DateTime.UtcNow;

        await using var db = await contextFactory.CreateDbContextAsync(ct);
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        db.Entry(run).State = EntityState.Detached;
    }

    public async Task<RunEntity?> GetAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contextFactory.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
    }

    /// <summary>All runs, newest (by <see cref="RunEntity.CreatedAt"/>) first.</summary>
    public async Task<IReadOnlyList<RunEntity>> ListAsync(CancellationToken ct)
    {
        await using var db = await contextFactory.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking()
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .ToListAsync(ct);
    }

    /// <summary>Stores the run's layer list (full module names, heatmap row order).</summary>
    public async Task<bool> SetLayersAsync(Guid id, IReadOnlyList<string> layers, CancellationToken ct)
    {
        var json = RunLayers.Serialize(layers);
        return await UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s.SetProperty(r => r.LayersJson, json), ct), ct);
    }

    /// <summary>Stores the effective quantization plan (a JSON object); false when the run does not exist.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not a JSON object.</exception>
    public async Task<bool> SetPlanAsync(Guid id, string planJson, CancellationToken ct)
    {
        RequireObject(planJson, "plan");
        return await UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s.SetProperty(r => r.PlanJson, planJson), ct), ct);
    }

    /// <summary>Renames the run, replaces its tags and notes (each only when given); false when the run does not exist.</summary>
    public Task<bool> EditAsync(Guid id, string? name, IReadOnlyList<string>? tags, string? notes, CancellationToken ct)
    {
        var tagsJson = tags is null ? null : System.Text.Json.JsonSerializer.Serialize(tags);
        return UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Name, r => name ?? r.Name)
            .SetProperty(r => r.TagsJson, r => tagsJson ?? r.TagsJson)
            .SetProperty(r => r.Notes, r => notes ?? r.Notes), ct), ct);
    }

    /// <summary>Stores the run's summary (a JSON object); false when the run does not exist.</summary>
    /// <exception cref="System.Text.Json.JsonException">The text is not a JSON object.</exception>
    public async Task<bool> SetSummaryAsync(Guid id, string summaryJson, CancellationToken ct)
    {
        RequireObject(summaryJson, "summary");
        return await UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s.SetProperty(r => r.SummaryJson, summaryJson), ct), ct);
    }

    private static void RequireObject(string json, string what)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            throw new System.Text.Json.JsonException($"The {what} must be a JSON object.");
    }

    /// <summary>Status Queued: the run waits for a share of the training cores.</summary>
    public Task<bool> MarkQueuedAsync(Guid id, CancellationToken ct) =>
        UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Queued), ct), ct);

    /// <summary>Status Running, <see cref="RunEntity.StartedAt"/> now.</summary>
    public Task<bool> MarkRunningAsync(Guid id, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        return UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RunStatus.Running)
            .SetProperty(r => r.StartedAt, now), ct), ct);
    }

    /// <summary>
    /// Atomically takes an ended run back to Running for a resume (status Running, <see cref="RunEntity.StartedAt"/>
    /// now, the error and end cleared), only when its status is still Interrupted, Failed or Cancelled: of several
    /// callers (two dashboards sharing one store, a double click) exactly one gets true; the others find it running.
    /// </summary>
    public async Task<bool> ClaimForResumeAsync(Guid id, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        await using var db = await contextFactory.CreateDbContextAsync(ct);
        var rows = await db.Runs
            .Where(r => r.Id == id && (r.Status == RunStatus.Interrupted || r.Status == RunStatus.Failed || r.Status == RunStatus.Cancelled))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Running)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.Error, (string?)null)
                .SetProperty(r => r.EndedAt, (DateTime?)null), ct);
        return rows > 0;
    }

    /// <summary>A final status (Completed, Failed, Cancelled, Interrupted), the error if any, <see cref="RunEntity.EndedAt"/> now.</summary>
    public Task<bool> MarkEndedAsync(Guid id, RunStatus status, string? error, CancellationToken ct)
    {
        if (!status.HasEnded())
            throw new ArgumentException($"{status} is not a final status.", nameof(status));
        var now = DateTime.UtcNow;
        return UpdateAsync(id, q => q.ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status)
            .SetProperty(r => r.Error, error)
            .SetProperty(r => r.EndedAt, now), ct), ct);
    }

    /// <summary>
    /// Raises <see cref="RunEntity.LastStep"/> to <paramref name="step"/>, never lowers it (as the series writer does,
    /// so late or re-sent flushes cannot move it back).
    /// </summary>
    public Task<bool> UpdateLastStepAsync(Guid id, int step, CancellationToken ct) =>
        UpdateAsync(id, q => q.Where(r => r.LastStep < step)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastStep, step), ct), ct, missingMeansAbsent: false);

    /// <summary>Deletes the run and all its metric series in one transaction.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contextFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Lock the run's row first (PostgreSQL), as the series writer does before touching its series: both take the
        // locks in the same order, so a delete racing a flush waits instead of deadlocking. A no-op in SQLite.
        await db.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.LastStep, r => r.LastStep), ct);
        // Explicit deletes rather than trusting ON DELETE CASCADE alone: correct even on a connection without foreign_keys.
        var series = db.Series.Where(s => s.RunId == id).Select(s => s.Id);
        await db.LayerPoints.Where(p => series.Contains(p.SeriesId)).ExecuteDeleteAsync(ct);
        await db.ScalarPoints.Where(p => series.Contains(p.SeriesId)).ExecuteDeleteAsync(ct);
        await db.Series.Where(s => s.RunId == id).ExecuteDeleteAsync(ct);
        var deleted = await db.Runs.Where(r => r.Id == id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        return deleted > 0;
    }

    private async Task<bool> UpdateAsync(
        Guid id, Func<IQueryable<RunEntity>, Task<int>> update, CancellationToken ct, bool missingMeansAbsent = true)
    {
        await using var db = await contextFactory.CreateDbContextAsync(ct);
        var rows = await update(db.Runs.Where(r => r.Id == id));
        if (rows > 0 || missingMeansAbsent)
            return rows > 0;
        // Zero rows from a conditional update: the run may exist with a higher value already.
        return await db.Runs.AnyAsync(r => r.Id == id, ct);
    }
}
