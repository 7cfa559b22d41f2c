using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Hosting;

/// <summary>How a hosted run ended, classified once by <see cref="RunHost"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">
/// <see cref="RunStatus.Completed"/>, <see cref="RunStatus.Failed"/>, <see cref="RunStatus.Cancelled"/> (cancelled
/// through the token or <see cref="RunHandle.Cancel"/>) or <see cref="RunStatus.Interrupted"/>
/// (<see cref="RunHandle.Interrupt"/>: the host itself is stopping).
/// </param>
/// <param name="Summary">What the run came to (so far, unless completed), with the same status; null when no trainer was built.</param>
/// <param name="Error">Why it failed (a <see cref="Training.TrainingDivergedException"/> names the layer); null unless failed.</param>
/// <param name="FailedIn">Where it failed; null unless failed.</param>
public sealed record RunEnd(Guid RunId, RunStatus Status, RunSummary? Summary, Exception? Error, RunFailureSource? FailedIn);
