namespace QuantScope.Web.Runs;

/// <summary>A single dashboard host: no run lives anywhere else.</summary>
public sealed class NoRemoteRuns : IRemoteRuns
{
    /// <inheritdoc />
    public bool OtherHostsShareTheStore => false;

    /// <inheritdoc />
    public Task<bool> CancelAsync(Guid runId, CancellationToken ct) => Task.FromResult(false);
}
