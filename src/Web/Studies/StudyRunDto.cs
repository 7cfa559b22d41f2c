using QuantScope.Engine.Telemetry;

namespace QuantScope.Web.Studies;

/// <summary>One run of a study: its arm, where it is, and (once it has a summary) what it came to.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Index">Its place in the study.</param>
/// <param name="Arm">The arm's key.</param>
/// <param name="Label">What the arm changes.</param>
/// <param name="Expect">What the arm should show.</param>
/// <param name="Name">The run's name.</param>
/// <param name="Status">The run's status.</param>
/// <param name="Error">Why it failed, when it did.</param>
/// <param name="LastStep">Last stored main-phase step, -1 before the first.</param>
/// <param name="Steps">Planned main-phase steps.</param>
/// <param name="ApeMeanPct">Mean loss APE against the twin over all steps, percent.</param>
/// <param name="ApeLastPct">Loss APE over the last K steps, percent.</param>
/// <param name="SaturationRate">Share of (quantized input, QAT step) pairs whose amax outran its delayed scale, 0..1.</param>
/// <param name="OverflowMax">Largest share of a tensor's elements above the format's max, 0..1.</param>
/// <param name="WorstLayer">The layer with the highest mean overflow.</param>
/// <param name="HeldOutLossStart">Held-out pretraining loss at the main phase's start, nats/token.</param>
/// <param name="HeldOutLossEnd">Held-out pretraining loss at its end, nats/token.</param>
/// <param name="ProbeAccuracyStart">Knowledge-probe accuracy at the start, 0..1.</param>
/// <param name="ProbeAccuracyEnd">Knowledge-probe accuracy at the end, 0..1.</param>
/// <param name="Tasks">Task accuracies at the end with their drop against the twin.</param>
public sealed record StudyRunDto(
    Guid RunId, int Index, string Arm, string Label, string Expect, string Name, RunStatus Status, string? Error,
    int LastStep, int Steps, double? ApeMeanPct, double? ApeLastPct, double? SaturationRate, double? OverflowMax,
    string? WorstLayer, double? HeldOutLossStart, double? HeldOutLossEnd, double? ProbeAccuracyStart,
    double? ProbeAccuracyEnd, IReadOnlyList<StudyTaskDto> Tasks)
{
    /// <summary>The BF16 twin's held-out pretraining loss at the end, nats/token (forgetting is judged against it); null without a twin.</summary>
    public double? BaselineHeldOutLossEnd { get; init; }

    /// <summary>The BF16 twin's knowledge-probe accuracy at the end, 0..1; null without a twin.</summary>
    public double? BaselineProbeAccuracyEnd { get; init; }

    /// <summary>Held-out loss at the end minus at the start (forgetting), nats/token.</summary>
    public double? HeldOutLossRise => HeldOutLossEnd - HeldOutLossStart;

    /// <summary>The largest task drop against the twin, percent (null when no task has one).</summary>
    public double? WorstTaskDropPct => Tasks.Max(t => t.DropPct); // nulls are skipped; null when none has one
}
