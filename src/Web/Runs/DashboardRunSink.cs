using QuantScope.Engine.Hosting;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Live;
using QuantScope.Web.Reliability;

namespace QuantScope.Web.Runs;

/// <summary>
/// Where a dashboard run's start, metrics and end go: the run's record, then the <see cref="MetricIngress"/> (lossless
/// store, live charts). A checkpointing run learns when its points commit, so a checkpoint waits for the newest one.
/// </summary>
internal sealed class DashboardRunSink(
    Guid runId, TrainConfig config, EngineRunRecorder recorder, MetricIngress ingress, ILogger log, Action ended) : IRunSink
{
    // Completes when the newest published batch has committed: the persist queue is FIFO, so it covers the earlier ones.
    private Task _lastStored = Task.CompletedTask;

    public async Task StartedAsync(RunStart start, CancellationToken ct)
    {
        // Below the server's threads, so requests, ingest and the hub are served first.
        if (!start.PriorityLowered) log.LogWarning("Run {RunId}: the OS refused to lower the training thread's priority", runId);
        await recorder.MarkStartedAsync(runId, start.Trainer, ct);
        ingress.AnnounceStatus(runId, RunStatus.Running, null, start.Trainer.Layout.Layers);
    }

    public async Task PublishAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct)
    {
        foreach (var batch in batches)
        {
            if (config.CheckpointEvery <= 0) await ingress.PublishAsync(batch, ct);
            else _lastStored = await ingress.PublishCommittedAsync(batch, merge: false, ct);
        }
    }

    public Task MakeDurableAsync(int step, CancellationToken ct) => _lastStored.WaitAsync(ct);

    public async Task EndedAsync(RunEnd end, CancellationToken ct)
    {
        try
        {
            string? error = null;
            if (end.Error is not null)
            {
                // Diverged (NaN/Inf), out of memory, or any other error: this run only.
                error = RunFailureReason.Describe(end.Error);
                log.LogWarning(end.Error, "Run {RunId} failed", runId);
            }
            if (end.Summary is not null) await recorder.SetSummaryAsync(runId, end.Summary, ct);
            // The end goes into the persist queue behind the run's last points.
            await ingress.EndRunAsync(runId, end.Status, error, ct);
        }
        catch (Exception ex)
        {
            log.LogError(ex, "Recording the end of run {RunId} failed", runId);
        }
        finally
        {
            ended();
        }
    }
}
