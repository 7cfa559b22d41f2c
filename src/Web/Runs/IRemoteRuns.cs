namespace QuantScope.Web.Runs;

/// <summary>
/// Runs that live on another dashboard host sharing this host's store (several hosts behind a load balancer, see
/// <c>SignalR:Redis</c>). A single host has none (<see cref="NoRemoteRuns"/>).
/// </summary>
public interface IRemoteRuns
{
    /// <summary>
    /// True when other dashboard hosts share this host's store: then a pending or running engine run this host does not
    /// train is another host's, until the lease sweep finds no host renewing it and marks it interrupted.
    /// </summary>
    bool OtherHostsShareTheStore { get; }

    /// <summary>Asks the host that trains <paramref name="runId"/> to cancel it; false when no other host has it live.</summary>
    /// <exception cref="IOException">The other hosts cannot be asked (Redis unreachable).</exception>
    Task<bool> CancelAsync(Guid runId, CancellationToken ct);
}
