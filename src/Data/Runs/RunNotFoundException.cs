namespace QuantScope.Data.Runs;

/// <summary>Metrics were sent for a run the database does not hold (never created, or deleted meanwhile).</summary>
public sealed class RunNotFoundException(Guid runId)
    : InvalidOperationException($"Run {runId} does not exist; none of the flush was written.")
{
    public Guid RunId { get; } = runId;
}
