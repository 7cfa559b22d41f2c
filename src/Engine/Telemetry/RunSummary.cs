namespace QuantScope.Engine.Telemetry;

/// <summary>
/// What an experiment came to (the <c>run --json</c> line and <c>GET /api/runs/{id}</c>'s <c>summary</c>). Fields that do
/// not apply (no twin, no quantized input, no evaluation) are null.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">Completed, Failed, Cancelled or Interrupted (lower case in JSON, see <see cref="RunStatusText"/>).</param>
/// <param name="Steps">Main-phase steps that ran.</param>
/// <param name="FinalLoss">Loss of the last step, nats/token.</param>
/// <param name="Baseline">The twin's final loss.</param>
/// <param name="LossApe">Loss APE against the twin.</param>
/// <param name="Saturation">Delayed-scaling overflow over the QAT steps.</param>
/// <param name="Forgetting">Held-out pretraining loss and probe accuracy at the start and end of the main phase.</param>
/// <param name="Tasks">Task accuracies at the end, with the relative drop against the twin.</param>
public sealed record RunSummary(
    Guid RunId, RunStatus Status, int Steps, double? FinalLoss, BaselineSummary? Baseline, LossApeSummary? LossApe,
    SaturationSummary? Saturation, ForgettingSummary? Forgetting, IReadOnlyList<TaskSummary> Tasks)
{
    /// <summary>The device the run trained on; null for runs the engine did not train (and summaries stored before it existed).</summary>
    public DeviceInfo? Device { get; init; }

    /// <summary>Where a diverged run first went non-finite; null for runs that did not diverge.</summary>
    public DivergenceInfo? Divergence { get; init; }

    /// <summary>Peak device memory in use seen at the logged windows' ends (CUDA, all processes), bytes; null on the CPU.</summary>
    public long? PeakDeviceMemoryBytes { get; init; }
}
