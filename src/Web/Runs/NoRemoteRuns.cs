namespace QuantScope.Web.Runs;

/// <summary>A single dashboard host: no run lives anywhere else.</summary>
public sealed class NoRemoteRuns : IRemoteRuns
{
    /// <inheritdoc />
    public Task<bool> IsLiveElsewhereAsync(Guid runId, CancellationToken ct) => Task.FromResult(false);

    /// <inheritdoc />
    public Task<bool> CancelAsync(Guid runId, CancellationToken ct) => Task.FromResult(false);
}
