namespace QuantScope.Web.Cluster;

/// <summary>
/// The dashboard's side of a remote run (a grain observer: works whether the dashboard is a silo or a client). A worker
/// awaits each call, so the dashboard's persist queue pushes back on the worker as it does on a local run.
/// </summary>
public interface IRunSink : IGrainObserver
{
    /// <summary>The worker built the trainer: record layers and plan, mark the run running.</summary>
    Task StartedAsync(RunStartDto start);

    /// <summary>Metrics of one or more steps, in step order per attempt.</summary>
    Task PublishAsync(MetricBatchDto batch);

    /// <summary>Completes once every batch of the run received so far is committed in the store (before a checkpoint).</summary>
    Task CommittedAsync(Guid runId);
}
