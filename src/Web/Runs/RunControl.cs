using QuantScope.Data;
using QuantScope.Data.Runs;
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
    // The coordinator stores a run's end a moment before it lets go of the run: a run whose end is stored is waited for
    // that long at most (a client that saw "completed" and deletes it at once is not told it still trains).
    private static readonly TimeSpan EndingGrace = TimeSpan.FromSeconds(5);

    /// <summary>True when the run trains now on this host, a worker or another dashboard host.</summary>
    public async Task<bool> IsTrainingAsync(Guid runId, CancellationToken ct) =>
        (coordinator.ActiveRuns.Contains(runId) && !await EndedLocallyAsync(runId, ct)) || cluster.ActiveRuns.Contains(runId)
        || (remote.OtherHostsShareTheStore && await IsOpenEngineRunAsync(runId, ct));

    // True when the store already holds the end of a run this host trains, and the coordinator then let go of it.
    private async Task<bool> EndedLocallyAsync(Guid runId, CancellationToken ct)
    {
        if (await runs.GetAsync(runId, ct) is not { } run || !run.Status.HasEnded()) return false;
        try
        {
            await coordinator.WaitForEndAsync(runId).WaitAsync(EndingGrace, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Asks the run to stop (it ends within one step as cancelled); false when it is not training anywhere.</summary>
    /// <exception cref="IOException">Other dashboard hosts cannot be asked.</exception>
    public async Task<bool> CancelAsync(Guid runId, CancellationToken ct) =>
        coordinator.Cancel(runId) || cluster.Cancel(runId)
        || (remote.OtherHostsShareTheStore && await IsOpenEngineRunAsync(runId, ct) && await remote.CancelAsync(runId, ct));

    // Only engine runs train; only a pending or running one can be live elsewhere.
    private async Task<bool> IsOpenEngineRunAsync(Guid runId, CancellationToken ct) =>
        await runs.GetAsync(runId, ct) is { Kind: RunKinds.Engine } run && !run.Status.HasEnded();
}
