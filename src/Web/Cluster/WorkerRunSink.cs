using System.Text.Json;
using QuantScope.Engine.Hosting;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Runs;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Cluster;

/// <summary>
/// A cluster job's sink on its worker: the start, metrics and checkpoint handshakes go to the dashboard's
/// <see cref="IRunSink"/> (each call tried again for a while), the end stays in the job's <see cref="WorkerRun.Status"/>
/// for the dashboard to poll.
/// </summary>
internal sealed class WorkerRunSink(WorkerRunHost host, WorkerRun run, ILogger log) : Engine.Hosting.IRunSink
{
    public Task StartedAsync(RunStart start, CancellationToken ct)
    {
        if (!start.PriorityLowered) log.LogWarning("Run {RunId}: the OS refused to lower the training thread's priority", start.RunId);
        var job = run.Job;
        var trainer = start.Trainer;
        var plan = new EffectivePlanDto(trainer.Config.ResolvePlan().Name, trainer.EffectivePlan, trainer.PlanWarnings, trainer.Device);
        var dto = new RunStartDto(
            job.RunId, job.Attempt, host.WorkerName, trainer.Layout.Layers, JsonSerializer.Serialize(plan, JsonDefaults.Options), run.Status.ResumedAfter);
        return WorkerRunHost.SendAsync(() => run.Sink.StartedAsync(dto));
    }

    public async Task PublishAsync(IReadOnlyList<MetricBatch> batches, CancellationToken ct)
    {
        foreach (var batch in batches)
        {
            var dto = MetricBatchDto.From(batch, run.Job.Attempt);
            await WorkerRunHost.SendAsync(() => run.Sink.PublishAsync(dto));
            run.Status = run.Status with { LastStep = Math.Max(run.Status.LastStep, batch.LastStep) };
        }
    }

    // Every batch up to the checkpoint is sent: wait until the dashboard's store has committed them.
    public Task MakeDurableAsync(int step, CancellationToken ct) => WorkerRunHost.SendAsync(() => run.Sink.CommittedAsync(run.Job.RunId));

    public Task EndedAsync(RunEnd end, CancellationToken ct)
    {
        host.Ended(run, end);
        return Task.CompletedTask;
    }
}
