using QuantScope.Data.Runs;
using QuantScope.Engine.Telemetry;
using QuantScope.Engine.Training;
using QuantScope.Web.Setup;

namespace QuantScope.Web.Studies;

/// <summary>Reads a stored study run (its entity, summary and config) into a <see cref="StudyRunDto"/>.</summary>
public static class StudyRunReader
{
    private static readonly IReadOnlyDictionary<string, StudyArm> Arms = DemoStudy.Arms(quick: false).ToDictionary(a => a.Key);

    /// <summary>The run with its arm's label and expectation (the run's name when the arm is not a known one).</summary>
    public static StudyRunDto Read(RunEntity run, StudyMembership membership)
    {
        var summary = StoredJson.Parse<RunSummary>(run.SummaryJson);
        var steps = StoredJson.Parse<TrainConfig>(run.ConfigJson)?.Steps ?? 0;
        var (label, expect) = Arms.TryGetValue(membership.Arm, out var arm) ? (arm.Label, arm.Expect) : (run.Name, "");
        var forgetting = summary?.Forgetting;
        return new StudyRunDto(
            run.Id, membership.Index, membership.Arm, label, expect, run.Name, run.Status, run.Error, run.LastStep, steps,
            summary?.LossApe?.MeanPct, summary?.LossApe?.LastPct, summary?.Saturation?.StepRate, summary?.Saturation?.OverflowFractionMax,
            summary?.Saturation?.WorstLayer, forgetting?.HeldOutLossStart, forgetting?.HeldOutLossEnd,
            forgetting?.ProbeAccuracyStart, forgetting?.ProbeAccuracyEnd, Tasks(summary))
        {
            BaselineHeldOutLossEnd = forgetting?.BaselineHeldOutLossEnd,
            BaselineProbeAccuracyEnd = forgetting?.BaselineProbeAccuracyEnd,
        };
    }

    // The engine's typed fields: the drop shown is the relative one, so its standard error is the relative one too.
    private static List<StudyTaskDto> Tasks(RunSummary? summary) =>
        summary?.Tasks is { Count: > 0 } tasks
            ? tasks.Select(t => new StudyTaskDto(t.Name, t.Acc, t.BaselineAcc, t.RelativeDropPct, t.RelativeDropStdErrPct, t.Items) { Lost = t.TwinOnly, Gained = t.RunOnly }).ToList()
            : [];
}
