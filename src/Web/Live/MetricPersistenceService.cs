using QuantScope.Data;
using QuantScope.Data.Runs;
using QuantScope.Data.Series;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Reliability;

namespace QuantScope.Web.Live;

/// <summary>
/// Drains the persist queue into SQLite: everything queued at the moment goes in one transaction (batch writer).
/// A batch with a <see cref="PersistBatch.Committed"/> task learns when its transaction committed: that is what an
/// ingest acknowledgement waits for. A storage fault that may pass (database locked, disk full, I/O error) never drops
/// points: the flush is kept and retried with back-off while <see cref="PersistHealth"/> tells ingest to push back
/// (the bounded queue then makes engine runs wait). Only errors no retry can fix (a deleted run) cost points, per run.
/// On shutdown it writes all that was queued before it stops (giving up on a fault that lasts past
/// <see cref="ShutdownRetries"/> attempts, logged with the count).
/// </summary>
public sealed class MetricPersistenceService(
    MetricIngress ingress,
    MetricSeriesWriter writer,
    RunRepository runs,
    ILogger<MetricPersistenceService> log,
    PersistHealth? health = null) : BackgroundService
{
    /// <summary>Batches written in one transaction at the most.</summary>
    public const int MaxBatchesPerFlush = 256;

    /// <summary>Attempts at a faulted flush once the host is stopping, before its points are given up.</summary>
    public const int ShutdownRetries = 5;

    /// <summary>Longest pause between two attempts at a faulted flush.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly PersistHealth _health = health ?? new PersistHealth();
    private volatile bool _stopping;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        ingress.Complete();
        await base.StopAsync(cancellationToken);
        // .NET 10 starts ExecuteAsync via Task.Run with the stopping token: a stop right after the start cancels it
        // before it ever runs (the task ends Canceled). Drain here then, so nothing queued is lost.
        if (ExecuteTask is { IsCanceled: true }) await DrainAsync();
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DrainAsync();

    private async Task DrainAsync()
    {
        // Not tied to stoppingToken: the loop ends when the queue is completed and empty, so nothing queued is lost.
        var reader = ingress.PersistQueue;
        var pending = new List<PersistBatch>(MaxBatchesPerFlush);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (pending.Count < MaxBatchesPerFlush && reader.TryRead(out var item))
            {
                if (item is PersistBatch b)
                {
                    pending.Add(b);
                    continue;
                }
                await FlushAsync(pending);
                var end = (PersistRunEnd)item;
                await RetryAsync(() => runs.MarkEndedAsync(end.RunId, end.Status, end.Error, CancellationToken.None), $"the end of run {end.RunId}");
            }
            await FlushAsync(pending);
        }
    }

    private async Task FlushAsync(List<PersistBatch> pending)
    {
        if (pending.Count == 0) return;
        // A run is either engine (replace) or external (merge), so splitting a flush by mode keeps each run's order.
        await FlushModeAsync(pending.Where(b => !b.Merge).ToList(), merge: false);
        await FlushModeAsync(pending.Where(b => b.Merge).ToList(), merge: true);
        pending.Clear();
    }

    private Task WriteAsync(List<PersistBatch> batches, bool merge)
    {
        var list = batches.Select(b => b.Batch).ToList();
        return merge ? writer.WriteMergedAsync(list, CancellationToken.None) : writer.WriteAsync(list, CancellationToken.None);
    }

    private async Task FlushModeAsync(List<PersistBatch> pending, bool merge)
    {
        if (pending.Count == 0) return;
        Exception? permanent = null;
        var ok = await RetryAsync(async () =>
        {
            try
            {
                await WriteAsync(pending, merge);
            }
            catch (Exception ex) when (!StorageFaults.IsTransient(ex))
            {
                permanent = ex; // retrying the whole flush cannot help: fall back to run by run below
            }
        }, $"{pending.Count} metric batches");
        if (ok && permanent is null)
        {
            Complete(pending, null);
            return;
        }
        if (!ok)
        {
            Complete(pending, new IOException($"Storage failed; {pending.Count} metric batches were not written: {_health.Problem}"));
            return;
        }

        // One bad run (e.g. deleted meanwhile) must not cost the other runs their points: retry run by run.
        log.LogWarning(permanent, "Writing {Count} metric batches in one flush failed; writing run by run", pending.Count);
        foreach (var run in pending.GroupBy(b => b.Batch.RunId))
        {
            await WriteRunAsync(run.Key, run.ToList(), merge);
        }
    }

    private async Task WriteRunAsync(Guid runId, List<PersistBatch> batches, bool merge)
    {
        Exception? failure = null;
        var ok = await RetryAsync(async () =>
        {
            try
            {
                await WriteAsync(batches, merge);
            }
            catch (Exception ex) when (!StorageFaults.IsTransient(ex))
            {
                failure = ex;
            }
        }, $"{batches.Count} metric batches of run {runId}");
        if (!ok) failure ??= new IOException($"Storage failed: {_health.Problem}");
        if (failure is not null) log.LogError(failure, "Dropped {Count} metric batches of run {RunId}", batches.Count, runId);
        Complete(batches, failure);
    }

    /// <summary>
    /// Runs <paramref name="write"/> until it does not throw a transient storage fault; false when the host stopped
    /// and the fault outlasted <see cref="ShutdownRetries"/> attempts. Other exceptions propagate.
    /// </summary>
    private async Task<bool> RetryAsync(Func<Task> write, string what)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                _health.ReportHealthy();
                return true;
            }
            catch (Exception ex) when (StorageFaults.IsTransient(ex))
            {
                var problem = StorageFaults.Describe(ex);
                _health.ReportFault($"Storage is unavailable: {problem}; points are kept and retried.", MaxBackoff);
                if (_stopping && attempt >= ShutdownRetries)
                {
                    log.LogError(ex, "Giving up writing {What} at shutdown after {Attempts} attempts: {Problem}", what, attempt, problem);
                    return false;
                }
                log.LogWarning("Writing {What} failed ({Problem}); attempt {Attempt}, retrying in {Delay} ms", what, problem, attempt, (int)backoff.TotalMilliseconds);
                await Task.Delay(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private void Complete(List<PersistBatch> batches, Exception? error)
    {
        // Stored (or never storable): the live store's replay queue lets them go before anyone is told.
        ingress.MarkPersisted(batches.Select(b => b.Batch));
        foreach (var b in batches)
        {
            if (error is null) b.Committed?.TrySetResult();
            else b.Committed?.TrySetException(error);
        }
    }
}
