using QuantScope.Data;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Live;

/// <summary>
/// Drains the persist queue into SQLite: everything queued at the moment goes in one transaction (batch writer).
/// On shutdown it writes all that was queued before it stops.
/// </summary>
public sealed class MetricPersistenceService(
    MetricIngress ingress,
    MetricSeriesWriter writer,
    RunRepository runs,
    ILogger<MetricPersistenceService> log) : BackgroundService
{
    /// <summary>Batches written in one transaction at the most.</summary>
    public const int MaxBatchesPerFlush = 256;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
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
                await runs.MarkEndedAsync(end.RunId, end.Status, end.Error, CancellationToken.None);
            }
            await FlushAsync(pending);
        }
    }

    private async Task FlushAsync(List<PersistBatch> pending)
    {
        if (pending.Count == 0) return;
        // A run is either engine (replace) or external (merge), so splitting a flush by mode keeps each run's order.
        await FlushModeAsync(pending.Where(b => !b.Merge).Select(b => b.Batch).ToList(), merge: false);
        await FlushModeAsync(pending.Where(b => b.Merge).Select(b => b.Batch).ToList(), merge: true);
        pending.Clear();
    }

    private Task WriteAsync(List<MetricBatch> batches, bool merge) =>
        merge ? writer.WriteMergedAsync(batches, CancellationToken.None) : writer.WriteAsync(batches, CancellationToken.None);

    private async Task FlushModeAsync(List<MetricBatch> pending, bool merge)
    {
        if (pending.Count == 0) return;
        try
        {
            await WriteAsync(pending, merge);
        }
        catch (Exception ex)
        {
            // One bad run (e.g. deleted meanwhile) must not cost the other runs their points: retry run by run.
            log.LogWarning(ex, "Writing {Count} metric batches in one flush failed; writing run by run", pending.Count);
            foreach (var run in pending.GroupBy(b => b.RunId))
            {
                await WriteRunAsync(run.Key, run.ToList(), merge);
            }
        }
    }

    private async Task WriteRunAsync(Guid runId, List<MetricBatch> batches, bool merge)
    {
        try
        {
            await WriteAsync(batches, merge);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Dropped {Count} metric batches of run {RunId}", batches.Count, runId);
        }
    }
}
