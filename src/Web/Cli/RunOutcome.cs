using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Cli;

/// <summary>How a headless run ended.</summary>
/// <param name="Status">Completed, Failed or Cancelled.</param>
/// <param name="Summary">What the run came to (so far, when it did not complete); null only when <paramref name="Rejected"/>.</param>
/// <param name="Error">Why it failed, was cancelled or was rejected; null when it completed.</param>
/// <param name="Rejected">
/// The trainer refused the config or its files (unreadable or too short data, malformed task file) before anything was
/// recorded: a usage error, not a failed run.
/// </param>
public sealed record RunOutcome(RunStatus Status, RunSummary? Summary, string? Error, bool Rejected = false);
