using QuantScope.Engine.Analysis.Diagnosis;
using QuantScope.Engine.Telemetry;

namespace QuantScope.Engine.Training;

/// <summary>What one run of a study came to: its summary, the diagnosis of its metrics, and its wall time.</summary>
/// <param name="Key">The arm's key (<see cref="StudyArm.Key"/>), or the config's name for a lone run.</param>
/// <param name="Summary">The run's summary (status Failed when it diverged).</param>
/// <param name="Findings">Every detector's findings (<see cref="Diagnoser"/> with the thresholds given), most severe first.</param>
/// <param name="WallSeconds">Wall time of the run, pretraining (or loading its cache) and evaluations included, seconds.</param>
/// <param name="Input">What the detectors read.</param>
/// <param name="Error">Why the run failed, or null.</param>
public sealed record StudyArmResult(string Key, RunSummary Summary, IReadOnlyList<Finding> Findings, double WallSeconds, DiagnosisInput Input, string? Error)
{
    /// <summary>The most severe finding's severity, or null when the diagnosis found nothing.</summary>
    public FindingSeverity? WorstSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);

    /// <summary>True when some finding of <paramref name="detector"/> (<see cref="DetectorIds"/>) is at least <paramref name="atLeast"/>.</summary>
    public bool Names(string detector, FindingSeverity atLeast = FindingSeverity.Info) =>
        Findings.Any(f => f.Detector == detector && f.Severity >= atLeast);
}
