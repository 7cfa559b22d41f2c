using QuantScope.Data;
using QuantScope.Engine.Telemetry;
using QuantScope.Web.Cluster;

namespace QuantScope.Web.Runs;

/// <summary>
/// Cancels engine runs and tells whether one is training, wherever it trains: on this host (<see cref="RunCoordinator"/>),
/// on a cluster worker (<see cref="ClusterJobDispatcher"/>), or on another dashboard host sharing the store
/// (<see cref="IRemoteRuns"/>). The API and the pages ask here, so a request that lands on any host behind a load
/// balancer acts on the run.
/// </summary>
public sealed class RunControl(RunCoordinator coordinator, ClusterJobDispatcher cluster, IRemoteRuns remote, RunRepository runs)
{
    /// <summary>True when the run trains now on this host, a worker or another dashboard host.</summary>
    public async Task<bool> IsTrainingAsync(Guid runId, CancellationToken ct) =>
        coordinator.ActiveRuns.Contains(runId) || cluster.ActiveRuns.Contains(runId)
        || (remote.OtherHostsShareTheStore && await IsOpenEngineRunAsync(runId, ct));

    /// <summary>Asks the run to stop (it ends within one step as cancelled); false when it is not training anywhere.</summary>
    /// <exception cref="IOException">Other dashboard hosts cannot be asked.</exception>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct) =>
        coordinator.Cancel(runId) || cluster.Cancel(runId)
        || (remote.OtherHostsShareTheStore && await IsOpenEngineRunAsync(runId, ct) && await remote.CancelAsync(runId, ct));

    // Only engine runs train; only a pending or running one can be live elsewhere.
    private async Task<bool> IsOpenEngineRunAsync(Guid runId, CancellationToken ct) =>
        await runs.GetAsync(runId, ct) is { Kind: RunKinds.Engine, Status: RunStatus.Pending or RunStatus.Running };
}
