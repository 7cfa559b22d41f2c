namespace QuantScope.Web.Runs;

/// <summary>
/// Runs that live on another dashboard host sharing this host's store (several hosts behind a load balancer, see
/// <c>SignalR:Redis</c>). A single host has none (<see cref="NoRemoteRuns"/>).
/// </summary>
public interface IRemoteRuns
{
    /// <summary>True when another host trains or ingests <paramref name="runId"/> now (it holds the run's lease).</summary>
    /// <exception cref="IOException">The other hosts cannot be asked (Redis unreachable).</exception>
    Task<bool> IsLiveElsewhereAsync(Guid runId, CancellationToken ct);

    /// <summary>Asks the host that trains <paramref name="runId"/> to cancel it; false when no other host has it live.</summary>
    /// <exception cref="IOException">The other hosts cannot be asked (Redis unreachable).</exception>
    Task<bool> CancelAsync(Guid runId, CancellationToken ct);
}
